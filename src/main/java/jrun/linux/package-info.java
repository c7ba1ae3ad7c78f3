/**
 * Linux knowledge for the runtime, as data in and data out: nothing here makes a system call
 * except reading /proc and writing cgroup files, and nothing depends on the runtime.
 *
 * <ul>
 * <li>{@link jrun.linux.Capabilities}: process.capabilities to five 64-bit masks (helper: drop
 *     the bounding set with PR_CAPBSET_DROP before exec, capset the three sets, raise ambient).</li>
 * <li>{@link jrun.linux.Rlimits}, {@link jrun.linux.Sysctls}, {@link jrun.linux.ProtectedPaths}:
 *     checked lists for setrlimit, /proc/sys writes, masked and read-only paths.</li>
 * <li>{@code jrun.linux.seccomp}: linux.seccomp to a cBPF program plus flags (helper: seccomp(2)
 *     with those flags after PR_SET_NO_NEW_PRIVS or with CAP_SYS_ADMIN, last before exec; send the
 *     listener fd to listenerPath when {@code needsListener()}).</li>
 * <li>{@code jrun.linux.cgroups}: the host's layout, the container's cgroup path, file writes for
 *     linux.resources, the v2 device program, freezer files and stats.</li>
 * </ul>
 * Read procfs and sysfs with {@link jrun.linux.ProcFiles#read}, never with a size-based read.
 */
package jrun.linux;
