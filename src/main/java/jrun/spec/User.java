package jrun.spec;

import java.util.List;

/** process.user: numeric ids only on Linux; umask is optional (null keeps the default 0022). */
public record User(int uid, int gid, Integer umask, List<Integer> additionalGids) {
    static User from(Fields f) {
        int uid = (int) f.integer("uid", 0, 0xffffffffL, 0);
        int gid = (int) f.integer("gid", 0, 0xffffffffL, 0);
        Long umask = f.optInteger("umask", 0, 0777);
        List<Object> l = f.list("additionalGids");
        Integer[] gids = new Integer[l.size()];
        for (int i = 0; i < gids.length; i++)
            gids[i] = (int) Fields.integer(l.get(i), f.path("additionalGids") + "[" + i + "]", 0, 0xffffffffL);
        if (f.has("username")) f.refuse("username", "Windows only");
        return new User(uid, gid, umask == null ? null : umask.intValue(), List.of(gids));
    }
}
