package jrun.spec;

import jrun.JrunException;

/** linux.namespaces[]: a type, and a path to join (absent: create a new one). */
public record Namespace(Type type, String path) {
    public enum Type {
        PID("pid", 0x20000000L), NETWORK("network", 0x40000000L), MOUNT("mount", 0x00020000L),
        IPC("ipc", 0x08000000L), UTS("uts", 0x04000000L), USER("user", 0x10000000L),
        CGROUP("cgroup", 0x02000000L), TIME("time", 0x00000080L);

        public final String specName;
        /** The CLONE_NEW* flag. */
        public final long flag;

        Type(String specName, long flag) {
            this.specName = specName;
            this.flag = flag;
        }

        static Type of(String name, Fields f) {
            for (Type t : values()) if (t.specName.equals(name)) return t;
            throw new JrunException(f.path("type") + ": unknown namespace type \"" + name + "\"");
        }
    }

    static Namespace from(Fields f) {
        Type t = Type.of(f.str("type"), f);
        String p = f.optStr("path", "");
        if (!p.isEmpty() && !p.startsWith("/")) throw new JrunException(f.path("path") + ": must be absolute, got \"" + p + "\"");
        return new Namespace(t, p.isEmpty() ? null : p);
    }

    public boolean isNew() {
        return path == null;
    }
}
