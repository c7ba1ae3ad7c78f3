package jrun.runtime;

import java.util.List;

import jrun.helper.Step;
import jrun.spec.Spec;

/**
 * The seam where jrun.linux (capabilities, seccomp, cgroup resource limits) plugs into the
 * lifecycle: {@link LinuxHardening} in jrun itself; NONE (adds nothing) for plan tests only.
 */
public interface Hardening {
    /** Steps before the pivot, while the host's paths are still visible (the seccomp listener's socket). */
    default void beforePivot(Spec spec, List<Step> steps) {}

    /** Steps before the user switch (setgroups/setgid/setuid): the bounding set, seccomp without no_new_privs. */
    default void beforeIdentity(Spec spec, List<Step> steps) {}

    /** Steps after the process identity is set, before the init waits for start (capabilities). */
    void beforeStart(Spec spec, List<Step> steps);

    /** Steps right before exec, after stray fds are marked close-on-exec (a seccomp filter, loaded last). */
    void beforeExec(Spec spec, List<Step> steps);

    /**
     * Resource limits: the helper's first steps (host paths, before any setns) write them into the
     * container's cgroup directories, which exist by then, before its init is placed there.
     * In C each write costs microseconds; from the interpreted JVM they cost ~4 ms per create.
     */
    List<Step> limits(Spec spec, List<String> cgroupDirs);

    /**
     * Rootless mode's limits into the cgroups the user may write (at least one): as limits, but
     * without device rules (an unprivileged user can neither write devices.* nor attach a device
     * program) and without enabling v2 controllers above the container (a delegated subtree has them).
     */
    default List<Step> rootlessLimits(Spec spec, List<String> cgroupDirs) {
        return List.of();
    }

    /** The host's cgroup layout, when the caller has read it already (limits would read it again). */
    default void knowLayout(jrun.linux.cgroups.CgroupLayout layout) {}

    Hardening NONE = new Hardening() {
        @Override
        public void beforeStart(Spec spec, List<Step> steps) {}

        @Override
        public void beforeExec(Spec spec, List<Step> steps) {}

        @Override
        public List<Step> limits(Spec spec, List<String> cgroupDirs) {
            return List.of();
        }
    };
}
