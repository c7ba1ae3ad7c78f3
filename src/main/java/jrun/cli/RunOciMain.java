package jrun.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.linux.RealHostFiles;
import jrun.runtime.ContainerState;
import jrun.runtime.CreateOptions;
import jrun.runtime.HookRunner;
import jrun.runtime.Lifecycle;
import jrun.runtime.ProcStat;
import jrun.runtime.RunOciExtension;
import jrun.runtime.RunOciLayout;
import jrun.runtime.StateStore;
import jrun.runtime.Status;
import jrun.spec.Hooks;
import jrun.spec.Spec;

/**
 * Entry point of bin/run_oci: Chrome OS's run_oci command line (RunOciArgs) on jrun's engine,
 * with its state layout under /run/containers (RunOciLayout) and its extensions
 * (RunOciExtension). Exit status: the container's for run, 0 on success, 1 on failure, 2 for a
 * bad command line.
 */
public final class RunOciMain {
    private RunOciMain() {}

    public static void main(String[] argv) {
        Exit.now(run(Arrays.asList(argv)));
    }

    /** Runs one command in Invocation.current()'s world (the engine's request, or this process); returns the exit status. */
    public static int run(List<String> argv) {
        RunOciLog log = new RunOciLog();
        try {
            return run(argv, log);
        } finally {
            if (jrun.Invocation.current().warm()) log.release();
        }
    }

    private static int run(List<String> argv, RunOciLog log) {
        jrun.Invocation inv = jrun.Invocation.current();
        try {
            RunOciArgs a = RunOciArgs.parse(argv);
            if (a.help()) {
                inv.out().print(Help.page(null, RunOciArgs.SPEC, null));
                inv.out().flush();
                return 0;
            }
            String rootEnv = inv.env("RUN_OCI_STATE_ROOT");
            Path root = rootEnv == null || rootEnv.isEmpty() ? RunOciLayout.DEFAULT_ROOT : inv.path(rootEnv);
            RunOciLayout probe = new RunOciLayout(root, null);
            boolean creates = a.command().equals("run") || a.command().equals("start");
            if (a.logDir() != null) log.toDir(inv.path(a.logDir()), a.id());
            else if (!creates && probe.logOf(a.id()) != null) log.toFile(probe.logOf(a.id()));
            else if (a.logTag() != null) log.toSyslog(a.logTag());
            try {
                return switch (a.command()) {
                    case "run", "start" -> create(a, root, log);
                    case "kill" -> kill(a, probe, root, log);
                    default -> destroy(a, probe, root, log);
                };
            } finally {
                log.close();
            }
        } catch (JrunException e) {
            log.error(e.getMessage());
            log.close();
            return e.exitCode();
        } catch (jrun.Invocation.ColdOnly e) {
            log.close();
            throw e; // the engine hands the command back to the client, which runs it cold
        } catch (RuntimeException | Error e) {
            log.error("internal error: " + e);
            if (inv.env("RUN_OCI_DEBUG") != null) e.printStackTrace(inv.err());
            log.close();
            return 70;
        }
    }

    private static Lifecycle lifecycle(Path root, RunOciExtension ext, RunOciLog log) {
        // The host's real hardening (capabilities, seccomp, cgroup limits): Hardening.NONE is for plan tests only.
        Lifecycle l = new Lifecycle(new StateStore(root), new RealHostFiles(), jrun.runtime.LinuxHardening.forHost(log::warn))
                .withRootless(jrun.runtime.Rootless.of("auto", System.getenv())); // -u as a user: Chrome OS's login manager
        return ext == null ? l : l.withExtension(ext);
    }

    private static int create(RunOciArgs a, Path root, RunOciLog log) {
        RunOciLayout layout = new RunOciLayout(root, log.path());
        String id = a.id();
        if (layout.exists(id)) {
            if (!layout.isRunOci(id)) throw new JrunException(layout.dir(id) + " exists and is not a run_oci container's state");
            ContainerState st = loadOrNull(root, id);
            if (st != null && StateStore.liveStatus(st) != Status.STOPPED) throw new JrunException("container " + id + " is already running");
            throw new JrunException("stale state directory " + layout.dir(id) + " from a container that is gone: run \"run_oci destroy " + id + "\" first");
        }
        Path bundle = Path.of(a.containerPath() == null ? "." : a.containerPath()).toAbsolutePath().normalize();
        log.info("Starting container " + id);
        precreate(bundle, id, layout);
        long[] ids = callerIds();
        log.containerOutputToSyslog();
        RunOciExtension ext = new RunOciExtension(layout, new RunOciExtension.Options(a.extraArgs(), a.bindMounts(), a.cgroupParent(),
                a.useCurrentUser(), ids[0], ids[1], log.fd(), a.sigstopWhenReady() && a.command().equals("run")), new RunOciPrctl());
        boolean foreground = a.command().equals("run");
        CreateOptions opts = new CreateOptions(bundle, null, null, false, false, 0, 0, foreground);
        int status = lifecycle(root, ext, log).run(id, opts);
        log.info(foreground ? "Container " + id + " finished with status " + status : "Container " + id + " running");
        return status;
    }

    /** precreate hooks: first of all, in the host's namespaces, status creating and no pid; a failure aborts. */
    private static void precreate(Path bundle, String id, RunOciLayout layout) {
        Map<String, Object> tree = Spec.readTree(bundle);
        if (!(tree.get("hooks") instanceof Map<?, ?> hooks) || hooks.get("precreate") == null) return;
        Hooks h = Spec.from(Map.of("ociVersion", "1.0.0", "root", Map.of("path", "."), "linux", Map.of(), "hooks",
                Map.of("prestart", hooks.get("precreate")))).hooks();
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("ociVersion", jrun.Version.SPEC);
        state.put("id", id);
        state.put("status", "creating");
        state.put("bundle", bundle.toString());
        state.put("annotations", new LinkedHashMap<String, Object>(Map.of(RunOciExtension.CONTAINER_ROOT, layout.dir(id).toString())));
        try {
            HookRunner.run(h.prestart(), jrun.spec.Json.write(state, jrun.spec.Json.Style.TWO_SPACES));
        } catch (JrunException e) {
            throw new JrunException(e.getMessage().replace("hooks.prestart", "hooks.precreate"), e);
        }
    }

    private static int kill(RunOciArgs a, RunOciLayout layout, Path root, RunOciLog log) {
        String id = a.id();
        log.info("Sending signal " + a.signal() + " to container " + id);
        if (!layout.exists(id)) throw StateStore.notFound(id);
        if (!layout.isRunOci(id)) throw new JrunException("container " + id + " is not run_oci-managed (no " + layout.dir(id).resolve(".run_oci") + ")");
        lifecycle(root, null, log).kill(id, a.signal(), false);
        return 0;
    }

    private static int destroy(RunOciArgs a, RunOciLayout layout, Path root, RunOciLog log) {
        String id = a.id();
        log.info("Destroying container " + id);
        if (!layout.exists(id)) {
            log.info("Container " + id + " has already been destroyed");
            return 0;
        }
        if (!layout.isRunOci(id)) // never remove what another tool keeps under /run/containers
            throw new JrunException(layout.dir(id) + " is not a run_oci container's state (no .run_oci): not removing it");
        ContainerState st = loadOrNull(root, id);
        if (st != null && StateStore.liveStatus(st) != Status.STOPPED)
            throw new JrunException("container " + id + " is still running: kill it first");
        lifecycle(root, null, log).delete(id, false);
        log.info("Container " + id + " destroyed");
        return 0;
    }

    private static ContainerState loadOrNull(Path root, String id) {
        try {
            return new StateStore(root).load(id);
        } catch (JrunException e) {
            return null;
        }
    }

    /** The caller's real uid and gid, from /proc/self/status (-u maps container 0 to them). */
    private static long[] callerIds() {
        long uid = -1, gid = -1;
        for (String line : ProcStat.read("/proc/self/status").split("\n")) {
            if (line.startsWith("Uid:")) uid = Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
            if (line.startsWith("Gid:")) gid = Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
        }
        return new long[] {uid, gid};
    }

    /** Runs bin/run_oci-prctl (beside jrun-helper) for the prctl(2) calls Java cannot make. */
    static final class RunOciPrctl implements RunOciExtension.Prctl {
        private static String call(String... args) {
            Path tool = jrun.helper.HelperProcess.locate().resolveSibling("run_oci-prctl");
            List<String> cmd = new java.util.ArrayList<>(List.of(tool.toString()));
            cmd.addAll(List.of(args));
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes()).strip();
                return p.waitFor() == 0 ? null : out.isEmpty() ? "failed" : out;
            } catch (IOException e) {
                throw new JrunException("cannot run " + tool + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JrunException("interrupted while running " + tool);
            }
        }

        @Override
        public String coreSchedCreate(long pid) {
            return call("core-create", Long.toString(pid));
        }

        @Override
        public boolean altSyscallPresent() {
            return call("alt-syscall-probe") == null;
        }
    }

}
