package jrun.runtime;

import jrun.JrunException;

/** Container IDs: what runc accepts, so an ID can never name a path outside --root. */
public final class ContainerId {
    private ContainerId() {}

    public static String validate(String id) {
        if (id == null || id.isEmpty()) throw JrunException.usage("container id cannot be empty");
        if (id.length() > 1024) throw JrunException.usage("invalid container id: longer than 1024 characters");
        if (id.equals(".") || id.equals("..")) throw JrunException.usage("invalid container id: \"" + id + "\"");
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '+'
                    || c == '-' || c == '.';
            if (!ok) throw JrunException.usage("invalid container id \"" + id + "\": only letters, digits and _+-. are allowed");
        }
        return id;
    }
}
