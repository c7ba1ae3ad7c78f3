package jrun.spec;

/** root: the container's root filesystem, relative to the bundle or absolute. */
public record Root(String path, boolean readonly) {
    static Root from(Fields f) {
        return new Root(f.str("path"), f.bool("readonly", false));
    }
}
