package jrun.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jrun.helper.HelperProcess;
import jrun.helper.Op;
import jrun.helper.Plan;
import jrun.helper.Step;
import jrun.interceptor.ExecPlan;
import jrun.interceptor.Interceptor;
import jrun.interceptor.InterceptorArgs;
import jrun.interceptor.RuntimeCall;
import jrun.linux.CgroupHierarchy;
import jrun.linux.RealHostFiles;
import jrun.runtime.CgroupPlacement;
import jrun.runtime.ContainerState;
import jrun.runtime.CreateOptions;
import jrun.runtime.HookRunner;
import jrun.runtime.Planner;
import jrun.runtime.ProcStat;
import jrun.runtime.Signals;
import jrun.runtime.StateStore;
import jrun.runtime.Status;
import jrun.spec.ConfigFile;
import jrun.spec.Hook;
import jrun.spec.Json;
import jrun.spec.Spec;

/**
 * The build's AOT training run (scripts/assemble.sh): does the work real commands do, on a
 * scratch directory, so their classes are in the cache. Not a user command. Needs no root:
 * the runtime paths are exercised up to the point where a container would be made.
 */
public final class AotTraining {
    private AotTraining() {}

    public static void main(String[] argv) throws IOException {
        Path dir = Path.of(argv[0]);
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        try (InputStream in = AotTraining.class.getResourceAsStream("/jrun/training-config.json")) {
            Files.write(bundle.resolve("config.json"), in.readAllBytes());
        }
        for (int i = 0; i < 3; i++) {
            InterceptorArgs args = InterceptorArgs.parse(List.of("--oi-runtime-path=/bin/true",
                    "--oi-readonly-networking-mounts", "--oi-env", "A=1", "--oi-env-force=B=2",
                    "--root", dir.resolve("root").toString(), "--log", dir.resolve("log.json").toString(),
                    "--log-format", "json", "create", "--bundle", bundle.toString(), "--pid-file", "p", "id" + i));
            RuntimeCall call = RuntimeCall.parse(args.runtimeArgs());
            ExecPlan plan = new Interceptor(args, Map.of("PATH", "/usr/bin:/bin")).run(call);
            plan.encode();
            Json.Document doc = ConfigFile.read(bundle.resolve("config.json"));
            Files.writeString(dir.resolve("out.json"), Json.write(doc.root(), doc.style()), StandardCharsets.UTF_8);
            ErrorLog.appendJson(call.logFile(), "error", "training");
        }
        System.out.print(InterceptorArgs.usage().length() > 0 ? "" : "?");
        trainRuntime(dir);
    }

    /** jrun's own commands: spec, plan, state store, list/state/kill errors, features, a helper round trip. */
    private static void trainRuntime(Path dir) throws IOException {
        PrintStream realOut = System.out, realErr = System.err;
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        System.setOut(sink);
        System.setErr(sink);
        try {
            Path root = dir.resolve("jrun-root");
            Path b = Files.createDirectories(dir.resolve("jrun-bundle"));
            Files.createDirectories(b.resolve("rootfs"));
            for (int i = 0; i < 3; i++) {
                Files.deleteIfExists(b.resolve("config.json"));
                JrunMain.run(List.of("spec", "--bundle", b.toString()));
                JrunMain.run(List.of("--version"));
                JrunMain.run(List.of("features"));
                JrunMain.run(List.of("--root", root.toString(), "list"));
                JrunMain.run(List.of("--root", root.toString(), "list", "--format", "json"));
                JrunMain.run(List.of("--root", root.toString(), "--log", dir.resolve("log").toString(), "--log-format", "json", "state", "none"));
                JrunMain.run(List.of("--root", root.toString(), "kill", "none", "KILL"));
                JrunMain.run(List.of("--root", root.toString(), "delete", "--force", "none"));
                JrunMain.run(List.of("--root", root.toString(), "start", "none"));
                // create and run up to the bundle check (a real container needs root)
                JrunMain.run(List.of("--root", root.toString(), "create", "--bundle", dir.resolve("missing").toString(), "--pid-file", "p", "none"));
                JrunMain.run(List.of("--root", root.toString(), "run", "-d", "--bundle", dir.resolve("missing").toString(), "none"));
                Signals.parse("SIGTERM");
                Spec spec = Spec.read(b);
                String mountinfo = ProcStat.read("/proc/self/mountinfo");
                List<CgroupHierarchy> h = CgroupHierarchy.parse(mountinfo, ProcStat.read("/proc/self/cgroup"));
                Map<String, String> cg = CgroupPlacement.paths("", CgroupPlacement.defaultName(root, "train"), h);
                CreateOptions opts = new CreateOptions(b, null, "/tmp/s.sock", false, false, 0, 0, false);
                StateStore store = new StateStore(root);
                List<Step> steps = new Planner(spec, "train", b.resolve("rootfs"), opts, store.fifo("train"), new RealHostFiles(), mountinfo, h, cg).plan();
                Plan.encode(steps, ProcessHandle.current().pid());
                try (StateStore.Lock l = store.createAndLock("train")) {
                    ContainerState st = new ContainerState("train", Status.CREATED, ProcessHandle.current().pid(),
                            ProcStat.liveStartTime(ProcessHandle.current().pid()), b.toString(), b.resolve("rootfs").toString(),
                            "2026-01-01T00:00:00Z", Map.of(), List.of(), Map.of());
                    store.save(st);
                    StateStore.liveStatus(store.load("train"));
                    st.specStateJson(Status.RUNNING);
                }
                JrunMain.run(List.of("--root", root.toString(), "state", "train"));
                JrunMain.run(List.of("--root", root.toString(), "list"));
                store.remove("train");
                HookRunner.run(new Hook("/bin/true", List.of("true"), List.of("A=1"), 5, "hooks.poststop[0]"), "{}");
                try { // a helper round trip: signal 0 to ourselves needs no privilege
                    HelperProcess.runToEnd(List.of(Step.of(Op.SIGNAL, "train", ProcessHandle.current().pid(), 0L, 0L)));
                } catch (RuntimeException e) {
                    realErr.println("AOT training: helper round trip skipped: " + e.getMessage());
                }
            }
        } finally {
            System.setOut(realOut);
            System.setErr(realErr);
        }
    }
}
