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

    /** The rules path: a YAML and a JSON rule file through the interceptor, a deny, and `rules apply`. */
    private static void rules(Path dir, Path bundle) throws IOException {
        Path yaml = dir.resolve("rules.yaml"), json = dir.resolve("rules.json");
        try (InputStream in = AotTraining.class.getResourceAsStream("/jrun/training-rules.yaml")) {
            Files.write(yaml, in.readAllBytes());
        }
        Files.writeString(json, "{\"version\": 1, \"rules\": [{\"name\": \"j\", \"when\": {\"hostname\": \".*\"},"
                + " \"edits\": [{\"env\": {\"force\": {\"J\": \"1\"}}}]}]}");
        Files.writeString(dir.resolve("deny.yaml"), "version: 1\nrules:\n  - name: d\n    deny: training\n");
        for (int i = 0; i < 3; i++) {
            for (String extra : new String[] {null, dir.resolve("deny.yaml").toString()}) {
                List<String> argv = new java.util.ArrayList<>(List.of("--oi-runtime-path=/bin/true", "--oi-no-default-rules",
                        "--oi-rules", yaml.toString(), "--oi-rules", json.toString()));
                if (extra != null) argv.addAll(List.of("--oi-rules", extra));
                argv.addAll(List.of("--log", dir.resolve("log.json").toString(), "--log-format", "json",
                        "create", "--bundle", bundle.toString(), "r" + i));
                InterceptorArgs args = InterceptorArgs.parse(argv);
                try {
                    new Interceptor(args, Map.of("PATH", "/usr/bin:/bin")).run(RuntimeCall.parse(args.runtimeArgs())).encode();
                } catch (jrun.JrunException e) {
                    ErrorLog.appendJson(dir.resolve("log.json").toString(), "error", e.getMessage());
                }
            }
            java.io.PrintStream sink = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
            InterceptorArgs args = InterceptorArgs.parse(List.of("--oi-no-default-rules", "rules"));
            RulesCommand cmd = new RulesCommand(args, jrun.rules.RuleSet.DEFAULT_DIR, jrun.rules.Context.host(), sink, sink);
            cmd.run(List.of("check", yaml.toString(), json.toString()));
            cmd.run(List.of("apply", "--config", bundle.resolve("config.json").toString(), "--rules", yaml.toString(), "--diff"));
        }
    }

    /** A create whose config requests a CDI device by annotation, with a spec in a scratch CDI directory. */
    private static void cdi(Path dir) throws IOException {
        Path specs = Files.createDirectories(dir.resolve("cdi"));
        Files.writeString(specs.resolve("t.yaml"), "cdiVersion: 0.6.0\nkind: training.example/dev\ndevices:\n  - name: a\n"
                + "    containerEdits:\n      env: [T=1]\n      deviceNodes: [{path: /dev/null}]\n"
                + "      mounts: [{hostPath: /tmp, containerPath: /t, options: [ro, rbind]}]\n"
                + "      hooks: [{hookName: createContainer, path: /bin/true}]\n");
        Files.writeString(specs.resolve("t.json"), "{\"cdiVersion\": \"0.6.0\", \"kind\": \"training.example/json\", \"devices\": [{\"name\": \"b\","
                + " \"containerEdits\": {\"env\": [\"U=2\"]}}], \"containerEdits\": {\"additionalGids\": [5]}}");
        Path bundle = Files.createDirectories(dir.resolve("cdi-bundle"));
        for (int i = 0; i < 3; i++) {
            try (InputStream in = AotTraining.class.getResourceAsStream("/jrun/training-config.json")) {
                String config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                Files.writeString(bundle.resolve("config.json"), config.replaceFirst("\\{", "{\"annotations\": "
                        + "{\"cdi.k8s.io/t\": \"training.example/dev=a,training.example/json=b\"},"));
            }
            InterceptorArgs args = InterceptorArgs.parse(List.of("--oi-runtime-path=/bin/true", "--oi-no-default-rules",
                    "create", "--bundle", bundle.toString(), "c" + i));
            jrun.rules.Context ctx = new jrun.rules.Context(jrun.rules.HostDevices.HOST, jrun.rules.HostNamespaces.HOST, List.of(specs));
            new Interceptor(args, Map.of("PATH", "/usr/bin:/bin"), dir.resolve("no-rules.d"), ctx).run(RuntimeCall.parse(args.runtimeArgs())).encode();
        }
    }

    /**
     * argv: a scratch directory and the entry point to train: "interceptor" (bin/oci-interceptor)
     * or "jrun" (bin/jrun, bin/run_oci). One cache per entry point, because the JVM loads every
     * class of an AOT cache at start: a shared cache makes each command pay for the others' classes.
     */
    public static void main(String[] argv) throws IOException {
        Path dir = Path.of(argv[0]);
        String mode = argv.length > 1 ? argv[1] : "interceptor";
        switch (mode) {
            case "interceptor" -> interceptor(dir);
            case "jrun" -> {
                seccomp();
                trainRuntime(dir);
                trainDockerPaths(dir);
                trainLifecycle(dir);
            }
            default -> throw new IllegalArgumentException("unknown training mode " + mode);
        }
    }

    /** Real containers (root only), output muted; and Exit, which every command ends in but training cannot call. */
    private static void trainLifecycle(Path dir) throws IOException {
        PrintStream realOut = System.out, realErr = System.err;
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        try {
            Class.forName("jrun.cli.Exit");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        System.setOut(sink);
        try {
            AotLifecycleTraining.run(dir);
        } finally {
            System.setOut(realOut);
            System.setErr(realErr);
        }
    }

    /**
     * What Docker makes jrun do at every container: plan a create with capabilities, Docker's
     * seccomp profile and limits (jrun.linux through LinuxHardening), plan an exec, the resource
     * writes of create and update; plus the error paths of exec, ps, pause, update and events.
     */
    @SuppressWarnings("unchecked")
    private static void trainDockerPaths(Path dir) throws IOException {
        PrintStream realErr = System.err, realOut = System.out;
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        System.setErr(sink);
        System.setOut(sink);
        try {
            Path b = dir.resolve("jrun-bundle");
            Path root = dir.resolve("jrun-root");
            Map<String, Object> profile;
            try (InputStream in = AotTraining.class.getResourceAsStream("/jrun/linux/seccomp/docker-20.10.24-default.json")) {
                profile = (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            jrun.linux.cgroups.CgroupLayout layout = jrun.linux.cgroups.CgroupLayout.detect();
            for (int i = 0; i < 3; i++) {
                Map<String, Object> tree = Spec.readTree(b);
                Map<String, Object> linux = (Map<String, Object>) tree.get("linux");
                linux.put("seccomp", profile);
                Map<String, Object> res = (Map<String, Object>) Json.parse("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                        + "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"}],\"memory\":{\"limit\":67108864,\"swap\":134217728},"
                        + "\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000},\"pids\":{\"limit\":100},\"blockIO\":{\"weight\":0}}");
                linux.put("resources", res);
                Map<String, Object> proc = (Map<String, Object>) tree.get("process");
                proc.put("noNewPrivileges", i % 2 == 0);
                proc.put("terminal", false);
                Spec spec = Spec.from(tree);
                jrun.runtime.LinuxHardening h = new jrun.runtime.LinuxHardening(jrun.linux.Capabilities.kernelLastCap(), layout, w -> { })
                        .withSeccompCache(dir.resolve("seccomp-cache")); // a miss, then hits
                String mountinfo = ProcStat.read("/proc/self/mountinfo");
                List<CgroupHierarchy> hs = CgroupHierarchy.parse(mountinfo, ProcStat.read("/proc/self/cgroup"));
                Map<String, String> cg = CgroupPlacement.paths("", "train", hs);
                CreateOptions opts = new CreateOptions(b, null, null, false, false, 0, 0, false);
                StateStore store = new StateStore(root);
                Plan.encode(new Planner(spec, "train", b.resolve("rootfs"), opts, store.fifo("train"), new RealHostFiles(), mountinfo, hs, cg, h).plan(), 1);
                Plan.encode(jrun.runtime.ExecPlanner.plan(spec, 1, new jrun.runtime.ExecOptions(null, true, null, 0, false), h), 1);
                List<String> dirs = new java.util.ArrayList<>();
                for (Map.Entry<String, String> e : cg.entrySet()) dirs.add(e.getKey() + e.getValue());
                h.plan(res, dirs, false);
                h.plan(res, dirs, true);
                jrun.runtime.ContainerCgroups.frozen(dirs);
                for (String cmd : List.of("exec", "ps", "pause", "resume", "update", "events"))
                    JrunMain.run(List.of("--root", root.toString(), "--log", dir.resolve("log").toString(), "--log-format", "json", cmd, "none"));
                JrunMain.run(List.of("--root", root.toString(), "exec", "--detach", "--pid-file", "p", "--process", b.resolve("none.json").toString(), "none"));
                JrunMain.run(List.of("--root", root.toString(), "update", "--memory", "64m", "--pids-limit", "10", "none"));
                JrunMain.run(List.of("--root", root.toString(), "ps", "--format", "json", "none"));
                JrunMain.run(List.of("--root", root.toString(), "events", "--stats", "none"));
            }
        } finally {
            System.setErr(realErr);
            System.setOut(realOut);
        }
    }

    private static void seccomp() throws IOException {
        for (int i = 0; i < 3; i++) {
            try (InputStream in = AotTraining.class.getResourceAsStream("/jrun/linux/seccomp/docker-20.10.24-default.json")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> profile = (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                jrun.linux.seccomp.SeccompCompiler.compile(profile, "linux.seccomp"); // runs at every create
            }
        }
    }

    private static void interceptor(Path dir) throws IOException {
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        try (InputStream in = AotTraining.class.getResourceAsStream("/jrun/training-config.json")) {
            Files.write(bundle.resolve("config.json"), in.readAllBytes());
        }
        Path log = dir.resolve("log.json");
        for (int i = 0; i < 3; i++) {
            // the real entry points, so their classes, string concatenations and lambdas are in the cache
            Files.writeString(bundle.resolve("config.json"), Files.readString(bundle.resolve("config.json"))
                    .replace("\"ro\"", "\"rw\""));
            InterceptorMain.execute(new String[] {"--oi-runtime-path=sh", "--oi-readonly-networking-mounts",
                "--oi-env", "A=" + i, "--oi-env-force=B=2", "--root", dir.resolve("root").toString(), "--log", log.toString(),
                "--log-format", "json", "create", "--bundle", bundle.toString(), "--pid-file", "p", "id" + i}, 1);
            InterceptorMain.execute(new String[] {"--oi-runtime-path=sh", "--oi-env", "BAD", "--log", log.toString(),
                "--log-format", "json", "create", "id"}, 1);
            InterceptorMain.execute(new String[] {"--oi-runtime-path=sh", "--oi-write-debug-output", "--oi-debug-output-dir",
                dir.resolve("debug").toString(), "--oi-env=A=1", "exec", "--process", bundle.resolve("config.json").toString(), "id"}, 1);
            Json.Document doc = ConfigFile.read(bundle.resolve("config.json"));
            Files.writeString(dir.resolve("out.json"), Json.write(doc.root(), doc.style()), StandardCharsets.UTF_8);
        }
        rules(dir, bundle);
        cdi(dir); // no --oi-help: the help's classes stay out of the cache, which loads all of them at every start
    }

    /** bin/run_oci: its command line, kill/destroy of a missing container (nothing written), its config and plan edits. */
    private static void runOci(Path dir, Path b, Spec spec, List<Step> steps) throws IOException {
        RunOciMain.run(List.of("--signal=KILL", "kill", "jrun-aot-training-none"));
        RunOciMain.run(List.of("destroy", "jrun-aot-training-none"));
        RunOciArgs.parse(List.of("--log_tag=arc", "-c", b.toString(), "-u", "-b", "/a:/b", "start", "train", "--", "x"));
        jrun.runtime.RunOciLayout layout = new jrun.runtime.RunOciLayout(dir.resolve("run_oci"), null);
        Files.createDirectories(layout.dir("train"));
        jrun.runtime.RunOciExtension ext = new jrun.runtime.RunOciExtension(layout, new jrun.runtime.RunOciExtension.Options(
                List.of("x"), List.of(), "parent", true, 0, 0, -1, false), new RunOciMain.RunOciPrctl());
        ext.editConfig("train", Spec.readTree(b));
        ext.editPlan(spec, new java.util.ArrayList<>(steps));
        ext.stateAnnotations("train");
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
                // no --help: its class (Help) stays out of the cache, whose every class each command loads at start
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
                runOci(dir, b, spec, steps);
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
