package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import jrun.spec.Json;
import jrun.testing.Sandbox;

/**
 * jrun's own conformance run: the behaviours runtime-spec 1.2.1 asks of a runtime (the ones the
 * opencontainers runtime-tools validation suite checks, written here from the spec's text, plus
 * the items of issue 14), each run against jrun, runc 1.1.5 and crun 1.8.1 on the same host.
 * The results must be those of the table in docs/conformance.md (ConformanceDocTest checks that
 * the table names exactly these cases), and jrun must pass at least as many as crun.
 */
@Timeout(1200)
class ConformanceSuiteIT extends WithSandbox {
    static final List<String> RUNTIMES = List.of("jrun", "runc", "crun");
    /** Unique on the host: runc and crun name a container's cgroups by its id. */
    final String token = Long.toHexString(System.nanoTime() & 0xffffffL);
    /** Every id a case made, for the cgroups a failed create leaves (crun 1.8.1 does). */
    final List<String> ids = new ArrayList<>();

    interface Check {
        void run(Ctx c) throws Exception;
    }

    record Case(String name, Check check) {}

    /** One runtime on one case: bundles and ids of its own. */
    final class Ctx {
        final String rt, prefix;
        int n;

        Ctx(String rt, String prefix) {
            this.rt = rt;
            this.prefix = prefix;
        }

        String id() {
            String id = prefix + "-" + rt + "-" + (n++);
            ids.add(id);
            return id;
        }

        Path bundle(Consumer<Map<String, Object>> edit) throws Exception {
            return sb.bundle(prefix + "-" + rt + "-b" + (n++), edit);
        }

        Path dir() throws Exception {
            return Files.createDirectories(sb.dir.resolve(prefix + "-" + rt + "-d" + (n++)));
        }

        Sandbox.Result call(String... args) {
            return switch (rt) {
                case "jrun" -> sb.jrun(args);
                case "runc" -> sb.runc(args);
                default -> sb.crun(args);
            };
        }

        Sandbox.Result ok(String... args) {
            Sandbox.Result r = call(args);
            if (r.status() != 0) throw new AssertionError(String.join(" ", args) + ": exit " + r.status() + ": " + r.err().strip());
            return r;
        }

        void fails(String what, String... args) {
            Sandbox.Result r = call(args);
            if (r.status() == 0) throw new AssertionError(what + ": " + String.join(" ", args) + " succeeded");
        }

        /** `run` of a bundle whose program prints; its stdout, or a failure naming the exit and stderr. */
        String out(Path bundle) {
            Sandbox.Result r = call("run", "--bundle", bundle.toString(), id());
            if (r.status() != 0) throw new AssertionError("run: exit " + r.status() + ": " + r.err().strip() + " " + r.out().strip());
            return r.out();
        }

        /** A program's output, for a bundle edited by edit running `sh -c script`. */
        String sh(String script, Consumer<Map<String, Object>> edit) throws Exception {
            return out(bundle(c -> {
                Sandbox.args(c, "sh", "-c", script);
                edit.accept(c);
            }));
        }

        Map<?, ?> state(String id) {
            return (Map<?, ?>) Json.parse(ok("state", id).out());
        }

        long pid(String id) {
            return Long.parseLong(state(id).get("pid").toString());
        }

        /** Creates a sleeping container from edit's config; its id. */
        String created(Consumer<Map<String, Object>> edit) throws Exception {
            Path b = bundle(c -> {
                Sandbox.args(c, "sleep", "1000");
                edit.accept(c);
            });
            String id = id();
            ok("create", "--bundle", b.toString(), id);
            return id;
        }

        String status(String id) {
            return (String) state(id).get("status");
        }

        void waitStopped(String id) throws Exception {
            for (int i = 0; i < 200 && !status(id).equals("stopped"); i++) Thread.sleep(20);
            eq("stopped", status(id), "status");
        }
    }

    static void eq(Object want, Object got, String what) {
        if (!String.valueOf(want).equals(String.valueOf(got))) throw new AssertionError(what + ": want " + want + ", got " + got);
    }

    static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }

    static Path script(Path file, String body) throws Exception {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /**
     * A hook that reads the state, then fails. Every hook here reads its stdin: crun 1.8.1 dies of
     * SIGPIPE (exit 141) when a hook exits before it wrote the state, a race no row could pin down.
     */
    static Path failing(Ctx c) throws Exception {
        return script(c.dir().resolve("fail.sh"), "cat > /dev/null\nexit 1");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> resources(Map<String, Object> c) {
        return (Map<String, Object>) Sandbox.linux(c).computeIfAbsent("resources", k -> new LinkedHashMap<String, Object>());
    }

    @SuppressWarnings("unchecked")
    static void hook(Map<String, Object> c, String stage, Path path, String... args) {
        Map<String, Object> hooks = (Map<String, Object>) c.computeIfAbsent("hooks", k -> new LinkedHashMap<String, Object>());
        List<Object> l = (List<Object>) hooks.computeIfAbsent(stage, k -> new ArrayList<Object>());
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("path", path.toString());
        List<Object> a = new ArrayList<>(List.of(path.getFileName().toString()));
        a.addAll(List.of(args));
        h.put("args", a);
        l.add(h);
    }

    @SuppressWarnings("unchecked")
    static void namespaces(Map<String, Object> c, java.util.function.Predicate<String> keep, Map<String, String> paths) {
        List<Object> ns = (List<Object>) Sandbox.linux(c).get("namespaces");
        ns.removeIf(o -> !keep.test((String) ((Map<String, Object>) o).get("type")));
        for (Object o : ns) {
            Map<String, Object> m = (Map<String, Object>) o;
            if (paths.containsKey(m.get("type"))) m.put("path", paths.get(m.get("type")));
        }
    }

    static String cg(long pid, String ctl, String file) throws Exception {
        return ExecAndManageIT.cgroupFile(pid, ctl, file);
    }

    /** A cgroup case: create a container with resources edited, then check its cgroup files from the host. */
    static Check cgroup(Consumer<Map<String, Object>> res, java.util.function.BiConsumer<Long, Ctx> files) {
        return c -> {
            String id = c.created(cfg -> res.accept(resources(cfg)));
            files.accept(c.pid(id), c);
        };
    }

    static String cgUnchecked(long pid, String ctl, String file) {
        try {
            return cg(pid, ctl, file);
        } catch (Exception e) {
            throw new AssertionError(ctl + "/" + file + ": " + e);
        }
    }

    /** Every case, in the order of docs/conformance.md's table. */
    @SuppressWarnings("unchecked")
    static final List<Case> CASES = List.of(
        // runtime.md: state and operations
        new Case("create", c -> {
            Path b = c.bundle(cfg -> Sandbox.args(cfg, "sh", "-c", "touch /tmp/ran; sleep 1000"));
            String id = c.id();
            c.ok("create", "--bundle", b.toString(), id);
            Map<?, ?> st = c.state(id);
            eq("created", st.get("status"), "status");
            eq(id, st.get("id"), "id");
            eq(b.toString(), st.get("bundle"), "bundle");
            check(st.get("ociVersion") instanceof String, "ociVersion");
            check(Long.parseLong(st.get("pid").toString()) > 0, "pid");
            Thread.sleep(100);
            check(!Files.exists(b.resolve("rootfs/tmp/ran")), "the program ran before start");
        }),
        new Case("create_duplicate_id", c -> {
            String id = c.created(cfg -> { });
            Path b = c.bundle(cfg -> { });
            c.fails("a second container with the id", "create", "--bundle", b.toString(), id);
            eq("created", c.status(id), "the first container");
        }),
        new Case("start", c -> {
            Path b = c.bundle(cfg -> Sandbox.args(cfg, "sh", "-c", "touch /tmp/ran; sleep 1000"));
            String id = c.id();
            c.ok("create", "--bundle", b.toString(), id);
            c.ok("start", id);
            eq("running", c.status(id), "status after start");
            for (int i = 0; i < 100 && !Files.exists(b.resolve("rootfs/tmp/ran")); i++) Thread.sleep(20);
            check(Files.exists(b.resolve("rootfs/tmp/ran")), "the program ran");
        }),
        new Case("start_not_created", c -> {
            String id = c.created(cfg -> { });
            c.ok("start", id);
            c.fails("start of a running container", "start", id);
            eq("running", c.status(id), "status");
        }),
        new Case("state_missing", c -> c.fails("state of a missing container", "state", c.id())),
        new Case("kill", c -> {
            // an init ignores a signal it has no handler for (pid 1 of its namespace): one that handles TERM
            Path b = c.bundle(cfg -> Sandbox.args(cfg, "sh", "-c", "trap 'exit 3' TERM; touch /tmp/ready; while :; do sleep 0.1; done"));
            String id = c.id();
            c.ok("create", "--bundle", b.toString(), id);
            c.ok("start", id);
            for (int i = 0; i < 250 && !Files.exists(b.resolve("rootfs/tmp/ready")); i++) Thread.sleep(20); // the trap is set
            c.ok("kill", id, "TERM");
            c.waitStopped(id);
        }),
        new Case("killsig", c -> {
            for (String sig : List.of("KILL", "9", "SIGKILL")) {
                String id = c.created(cfg -> { });
                c.ok("start", id);
                c.ok("kill", id, sig);
                c.waitStopped(id);
            }
        }),
        new Case("kill_no_effect", c -> {
            Path b = c.bundle(cfg -> Sandbox.args(cfg, "true"));
            String id = c.id();
            c.ok("create", "--bundle", b.toString(), id);
            c.ok("start", id);
            c.waitStopped(id);
            c.fails("kill of a stopped container", "kill", id, "KILL");
            eq("stopped", c.status(id), "status");
        }),
        new Case("delete", c -> {
            String id = c.created(cfg -> { });
            c.ok("kill", id, "KILL");
            c.waitStopped(id);
            c.ok("delete", id);
            c.fails("state after delete", "state", id);
            c.fails("delete of a missing container", "delete", id);
        }),
        new Case("delete_running", c -> {
            String id = c.created(cfg -> { });
            c.ok("start", id);
            c.fails("delete of a running container", "delete", id);
            eq("running", c.status(id), "status");
        }),
        new Case("delete_resources", c -> {
            String id = c.created(cfg -> { });
            long pid = c.pid(id);
            List<Path> dirs = new ArrayList<>();
            for (String ctl : List.of("memory", "pids", "cpu", "devices")) dirs.add(ExecAndManageIT.cgroupDir(pid, ctl));
            c.ok("delete", "--force", id);
            for (Path d : dirs) check(!Files.exists(d), "left after delete: " + d);
        }),
        new Case("delete_only_create_resources", c -> {
            Path d = c.dir();
            Sandbox.exec(List.of("mount", "--bind", d.toString(), d.toString()), null).ok();
            Sandbox.exec(List.of("mount", "--make-private", d.toString()), null).ok();
            try {
                Files.createFile(d.resolve("net"));
                Sandbox.exec(List.of("unshare", "--net=" + d.resolve("net"), "true"), null).ok();
                String id = c.created(cfg -> namespaces(cfg, t -> true, Map.of("network", d.resolve("net").toString())));
                c.ok("delete", "--force", id);
                eq(0, Sandbox.exec(List.of("nsenter", "--net=" + d.resolve("net"), "true"), null).status(), "the joined network namespace is still there");
            } finally {
                Sandbox.exec(List.of("umount", "-l", d.resolve("net").toString()), null);
                Sandbox.exec(List.of("umount", "-l", d.toString()), null);
            }
        }),
        new Case("config_updates_without_affect", c -> {
            Path b = c.bundle(cfg -> Sandbox.args(cfg, "sh", "-c", "echo first > /tmp/out; sleep 1000"));
            String id = c.id();
            c.ok("create", "--bundle", b.toString(), id);
            Files.writeString(b.resolve("config.json"), Files.readString(b.resolve("config.json")).replace("echo first", "echo second"));
            c.ok("start", id);
            for (int i = 0; i < 100 && !Files.exists(b.resolve("rootfs/tmp/out")); i++) Thread.sleep(20);
            eq("first\n", Files.readString(b.resolve("rootfs/tmp/out")), "the program");
        }),
        new Case("pidfile", c -> {
            Path b = c.bundle(cfg -> Sandbox.args(cfg, "sleep", "1000"));
            Path pf = c.dir().resolve("pid");
            String id = c.id();
            c.ok("create", "--bundle", b.toString(), "--pid-file", pf.toString(), id);
            eq(c.pid(id), Files.readString(pf).strip(), "the pid file");
        }),
        new Case("misc_props", c -> {
            String id = c.created(cfg -> cfg.put("annotations", new LinkedHashMap<>(Map.of("org.example.key", "value"))));
            Map<?, ?> st = c.state(id);
            check(Path.of((String) st.get("bundle")).isAbsolute(), "bundle is absolute: " + st.get("bundle"));
            eq("value", ((Map<?, ?>) st.get("annotations")).get("org.example.key"), "annotation");
        }),
        new Case("default", c -> eq("jrun\n/\n0 0\n", c.sh("hostname; pwd; echo $(id -u) $(id -g)", cfg -> { }), "hostname, cwd, user")),
        // config.md: hooks
        new Case("prestart", c -> {
            Path log = c.dir().resolve("log");
            Path h = script(c.dir().resolve("h.sh"), "cat > " + log);
            String id = c.created(cfg -> hook(cfg, "prestart", h));
            Map<?, ?> st = (Map<?, ?>) Json.parse(Files.readString(log));
            eq(id, st.get("id"), "the state's id");
            eq(c.pid(id), st.get("pid"), "the state's pid");
        }),
        new Case("prestart_fail", c -> {
            Path fail = failing(c);
            Path b = c.bundle(cfg -> hook(cfg, "prestart", fail));
            String id = c.id();
            c.fails("create with a failing prestart hook", "create", "--bundle", b.toString(), id);
            c.fails("state of the failed container", "state", id);
        }),
        new Case("createRuntime_createContainer", c -> {
            Path log = c.dir().resolve("log");
            Path h = script(c.dir().resolve("h.sh"), "cat > /dev/null; echo $1 $(readlink /proc/self/ns/mnt) >> " + log);
            String id = c.created(cfg -> {
                hook(cfg, "createRuntime", h, "createRuntime");
                hook(cfg, "createContainer", h, "createContainer");
            });
            String host = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString();
            String container = Files.readSymbolicLink(Path.of("/proc/" + c.pid(id) + "/ns/mnt")).toString();
            List<String> lines = Files.readAllLines(log);
            // crun runs its hooks from a mount namespace of its own (Sandbox.crun): not the container's
            check(lines.size() == 2 && lines.get(0).startsWith("createRuntime ") && !lines.get(0).endsWith(container), "createRuntime in the runtime's: " + lines);
            eq("createContainer " + container, lines.get(1), "createContainer in the container's mount namespace (host " + host + ")");
        }),
        new Case("startContainer_fail", c -> {
            Path b = c.bundle(cfg -> {
                Sandbox.args(cfg, "sh", "-c", "touch /tmp/ran; sleep 1000");
                hook(cfg, "startContainer", Path.of("/fail.sh"));
            });
            script(b.resolve("rootfs/fail.sh"), "cat > /dev/null\nexit 1");
            String id = c.id();
            c.ok("create", "--bundle", b.toString(), id);
            c.fails("start with a failing startContainer hook", "start", id);
            Thread.sleep(200);
            check(!Files.exists(b.resolve("rootfs/tmp/ran")), "the program ran");
        }),
        new Case("poststart", c -> {
            Path log = c.dir().resolve("log");
            Path h = script(c.dir().resolve("h.sh"), "cat > " + log);
            String id = c.created(cfg -> hook(cfg, "poststart", h));
            check(!Files.exists(log), "poststart ran during create");
            c.ok("start", id);
            eq(id, ((Map<?, ?>) Json.parse(Files.readString(log))).get("id"), "the state's id");
        }),
        new Case("poststart_fail", c -> {
            Path log = c.dir().resolve("log");
            Path h = script(c.dir().resolve("h.sh"), "cat > /dev/null; echo second >> " + log);
            Path fail = failing(c);
            Path b = c.bundle(cfg -> {
                Sandbox.args(cfg, "sleep", "1000");
                hook(cfg, "poststart", fail);
                hook(cfg, "poststart", h);
            });
            String id = c.id();
            // runtime-spec 1.2.1 lifecycle step 9: a warning, the remaining hooks and the lifecycle go on
            Sandbox.Result create = c.call("create", "--bundle", b.toString(), id);
            check(create.status() == 0, "create: " + create.err().strip());
            c.ok("start", id);
            eq("second\n", Files.readString(log), "the remaining hook");
            eq("running", c.status(id), "status");
        }),
        new Case("poststop", c -> {
            Path log = c.dir().resolve("log");
            Path h = script(c.dir().resolve("h.sh"), "cat > " + log);
            String id = c.created(cfg -> hook(cfg, "poststop", h));
            c.ok("delete", "--force", id);
            Map<?, ?> st = (Map<?, ?>) Json.parse(Files.readString(log));
            eq(id, st.get("id"), "the state's id");
            eq("stopped", st.get("status"), "the state's status");
        }),
        new Case("poststop_fail", c -> {
            Path fail = failing(c);
            String id = c.created(cfg -> hook(cfg, "poststop", fail));
            c.ok("delete", "--force", id);
            c.fails("state after delete", "state", id);
        }),
        new Case("hooks_order", c -> {
            Path log = c.dir().resolve("log");
            Path h = script(c.dir().resolve("h.sh"), "cat > /dev/null; echo $1 >> " + log);
            String id = c.created(cfg -> {
                for (String s : List.of("prestart", "createRuntime", "createContainer", "poststart", "poststop")) hook(cfg, s, h, s);
            });
            c.ok("start", id);
            c.ok("kill", id, "KILL");
            c.waitStopped(id);
            c.ok("delete", id);
            eq(List.of("prestart", "createRuntime", "createContainer", "poststart", "poststop"), Files.readAllLines(log), "hook order");
        }),
        new Case("hooks_stdin_status", c -> {
            Path log = c.dir().resolve("log");
            Path h = script(c.dir().resolve("h.sh"), "echo $1 $(sed -n 's/.*\"status\": *\"\\([a-z]*\\)\".*/\\1/p') >> " + log);
            String id = c.created(cfg -> {
                for (String s : List.of("prestart", "createRuntime", "poststart", "poststop")) hook(cfg, s, h, s);
            });
            c.ok("start", id);
            c.ok("delete", "--force", id);
            // runtime-spec 1.2.1: steps 3-4 come after step 2 ("created"), poststart after the program ran
            eq(List.of("prestart created", "createRuntime created", "poststart running", "poststop stopped"), Files.readAllLines(log), "statuses");
        }),
        // config.md: process
        new Case("process", c -> eq("a b\nV=1\n/tmp\n", c.sh("echo $0 $1; echo V=$V; pwd", cfg -> {
            Sandbox.args(cfg, "sh", "-c", "echo $0 $1; echo V=$V; pwd", "a", "b");
            Sandbox.process(cfg).put("env", new ArrayList<Object>(List.of("PATH=/bin", "V=1")));
            Sandbox.process(cfg).put("cwd", "/tmp");
        }), "args, env, cwd")),
        new Case("process_user", c -> eq("1000 1001 1001 2000 3000\n", c.sh("echo $(id -u) $(id -g) $(id -G)", cfg ->
            Sandbox.process(cfg).put("user", new LinkedHashMap<>(Map.of("uid", 1000, "gid", 1001, "additionalGids", List.of(2000, 3000))))), "uid gid groups")),
        new Case("process_capabilities", c -> {
            String out = c.sh("grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status", cfg -> {
                Map<String, Object> caps = new LinkedHashMap<>();
                for (String set : List.of("bounding", "effective", "permitted")) caps.put(set, List.of("CAP_CHOWN", "CAP_NET_RAW"));
                Sandbox.process(cfg).put("capabilities", caps);
            });
            eq("CapPrm:\t0000000000002001\nCapEff:\t0000000000002001\nCapBnd:\t0000000000002001\n", out, "capabilities");
        }),
        new Case("process_rlimits", c -> eq("1000 2000 0\n", c.sh("echo $(ulimit -n) $(ulimit -Hn) $(ulimit -c)", cfg ->
            Sandbox.process(cfg).put("rlimits", Json.parse("[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1000,\"hard\":2000},{\"type\":\"RLIMIT_CORE\",\"soft\":0,\"hard\":0}]"))), "limits")),
        new Case("process_rlimits_above_hard", c -> eq("1048576\n", c.sh("ulimit -Hn", cfg ->
            Sandbox.process(cfg).put("rlimits", Json.parse("[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1048576,\"hard\":1048576}]"))), "nofile")),
        new Case("process_oom_score_adj", c -> eq("500\n", c.sh("cat /proc/self/oom_score_adj", cfg -> Sandbox.process(cfg).put("oomScoreAdj", 500)), "oom_score_adj")),
        new Case("process_no_new_privileges", c -> eq("NoNewPrivs:\t1\n", c.sh("grep NoNewPrivs /proc/self/status", cfg -> Sandbox.process(cfg).put("noNewPrivileges", true)), "NoNewPrivs")),
        new Case("process_umask", c -> eq("0027\n", c.sh("umask", cfg -> ((Map<String, Object>) Sandbox.process(cfg).get("user")).put("umask", 23)), "umask")),
        new Case("process_apparmor_profile", c -> eq("jrun-conformance (enforce)\n", c.sh("cat /proc/self/attr/current", cfg ->
            Sandbox.process(cfg).put("apparmorProfile", "jrun-conformance")), "the profile")),
        new Case("root_readonly", c -> eq("ro\n", c.sh("touch /x 2>/dev/null && echo rw || echo ro", cfg -> ((Map<String, Object>) cfg.get("root")).put("readonly", true)), "the root")),
        // config.md, config-linux.md
        new Case("hostname", c -> eq("conformance-host\n", c.sh("hostname", cfg -> cfg.put("hostname", "conformance-host")), "hostname")),
        new Case("mounts", c -> {
            Path src = c.dir();
            Files.writeString(src.resolve("f"), "bound\n");
            String out = c.sh("cat /mnt/b/f; touch /mnt/b/g 2>/dev/null && echo rw || echo ro; grep ' /mnt/t ' /proc/self/mountinfo | grep -c 'tmpfs.*size=1024k'", cfg -> {
                Sandbox.mounts(cfg).add(Json.parse("{\"destination\":\"/mnt/b\",\"type\":\"bind\",\"source\":\"" + src + "\",\"options\":[\"rbind\",\"ro\"]}"));
                Sandbox.mounts(cfg).add(Json.parse("{\"destination\":\"/mnt/t\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"size=1m\"]}"));
            });
            eq("bound\nro\n1\n", out, "a read-only bind and a tmpfs");
        }),
        new Case("linux_sysctl", c -> eq("1\n", c.sh("cat /proc/sys/net/ipv4/ip_forward", cfg ->
            Sandbox.linux(cfg).put("sysctl", new LinkedHashMap<>(Map.of("net.ipv4.ip_forward", "1")))), "ip_forward")),
        new Case("linux_masked_paths", c -> eq("0\n0\n", c.sh("wc -c < /proc/version; ls /sys/firmware | wc -l", cfg ->
            Sandbox.linux(cfg).put("maskedPaths", List.of("/proc/version", "/sys/firmware"))), "masked")),
        new Case("linux_readonly_paths", c -> eq("ro\n", c.sh("echo 1 > /proc/sys/kernel/domainname 2>/dev/null && echo rw || echo ro", cfg -> {
            Sandbox.linux(cfg).put("readonlyPaths", List.of("/proc/sys"));
            Sandbox.process(cfg).put("capabilities", Json.parse("{\"bounding\":[\"CAP_SYS_ADMIN\"],\"effective\":[\"CAP_SYS_ADMIN\"],\"permitted\":[\"CAP_SYS_ADMIN\"]}"));
        }), "/proc/sys")),
        new Case("linux_devices", c -> eq("c 1 3 666\n", c.sh("stat -c '%F %t %T %a' /dev/mynull | sed 's/character special file/c/'", cfg ->
            Sandbox.linux(cfg).put("devices", Json.parse("[{\"path\":\"/dev/mynull\",\"type\":\"c\",\"major\":1,\"minor\":3,\"fileMode\":438}]"))), "device")),
        new Case("linux_default_devices", c -> eq("ok\n", c.sh("for d in null zero full random urandom tty; do [ -c /dev/$d ] || echo missing $d; done;"
            + " [ -L /dev/fd ] && [ -L /dev/stdin ] && [ -e /dev/ptmx ] && echo ok", cfg -> { }), "default devices and links")),
        new Case("linux_uid_mappings", c -> eq("0 100000 65536\n0 100000 65536\n", c.sh("sed 's/  */ /g; s/^ //' /proc/self/uid_map /proc/self/gid_map", cfg -> {
            ((List<Object>) Sandbox.linux(cfg).get("namespaces")).add(new LinkedHashMap<>(Map.of("type", "user")));
            Sandbox.linux(cfg).put("uidMappings", Json.parse("[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]"));
            Sandbox.linux(cfg).put("gidMappings", Json.parse("[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]"));
        }), "maps")),
        new Case("linux_ns_nopath", c -> {
            String id = c.created(cfg -> {
                List<Object> ns = (List<Object>) Sandbox.linux(cfg).get("namespaces");
                if (ns.stream().noneMatch(o -> "cgroup".equals(((Map<String, Object>) o).get("type")))) ns.add(new LinkedHashMap<>(Map.of("type", "cgroup")));
            });
            long pid = c.pid(id);
            for (String t : List.of("pid", "net", "ipc", "uts", "mnt", "cgroup"))
                check(!Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + t)).equals(Files.readSymbolicLink(Path.of("/proc/self/ns/" + t))), "a new " + t + " namespace");
        }),
        new Case("linux_ns_itype", c -> {
            String id = c.created(cfg -> namespaces(cfg, t -> !t.equals("network") && !t.equals("ipc"), Map.of()));
            long pid = c.pid(id);
            for (String t : List.of("net", "ipc"))
                eq(Files.readSymbolicLink(Path.of("/proc/self/ns/" + t)), Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + t)), "the host's " + t);
        }),
        new Case("linux_ns_path", c -> {
            String other = c.created(cfg -> { });
            long op = c.pid(other);
            String id = c.created(cfg -> namespaces(cfg, t -> true, Map.of("network", "/proc/" + op + "/ns/net", "ipc", "/proc/" + op + "/ns/ipc")));
            long pid = c.pid(id);
            for (String t : List.of("net", "ipc"))
                eq(Files.readSymbolicLink(Path.of("/proc/" + op + "/ns/" + t)), Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + t)), "joined " + t);
        }),
        new Case("linux_ns_path_type", c -> {
            String other = c.created(cfg -> { });
            long op = c.pid(other);
            Path b = c.bundle(cfg -> namespaces(cfg, t -> true, Map.of("network", "/proc/" + op + "/ns/uts")));
            c.fails("a uts namespace file given for network", "create", "--bundle", b.toString(), c.id());
        }),
        new Case("linux_ns_mount_and_uts_path", c -> {
            Path d = c.dir();
            Sandbox.exec(List.of("mount", "--bind", d.toString(), d.toString()), null).ok();
            Sandbox.exec(List.of("mount", "--make-private", d.toString()), null).ok();
            try {
                Files.createFile(d.resolve("mnt"));
                Files.createFile(d.resolve("uts"));
                Sandbox.exec(List.of("unshare", "--mount=" + d.resolve("mnt"), "--uts=" + d.resolve("uts"), "true"), null).ok();
                eq("joined\n", c.sh("hostname", cfg -> {
                    cfg.put("hostname", "joined");
                    namespaces(cfg, t -> true, Map.of("mount", d.resolve("mnt").toString(), "uts", d.resolve("uts").toString()));
                }), "the hostname in the joined uts namespace");
            } finally {
                for (String f : List.of("mnt", "uts")) Sandbox.exec(List.of("umount", "-l", d.resolve(f).toString()), null);
                Sandbox.exec(List.of("umount", "-l", d.toString()), null);
            }
        }),
        new Case("linux_no_mount_namespace", c -> {
            Path b = c.bundle(cfg -> {
                Sandbox.args(cfg, "cat", "/marker");
                namespaces(cfg, t -> !t.equals("mount"), Map.of());
                Sandbox.linux(cfg).remove("maskedPaths");
                Sandbox.linux(cfg).remove("readonlyPaths");
            });
            Files.writeString(b.resolve("rootfs/marker"), "inside\n");
            eq("inside\n", c.out(b), "the program in the rootfs");
            List<String> left = Sandbox.mountsUnder(b);
            check(left.isEmpty(), "mounts left on the host after delete: " + left);
        }),
        new Case("linux_rootfs_propagation_private", c -> propagation(c, "private", "")),
        new Case("linux_rootfs_propagation_shared", c -> propagation(c, "shared", "shared:")),
        new Case("linux_rootfs_propagation_unbindable", c -> propagation(c, "unbindable", "unbindable")),
        new Case("linux_mount_label", c -> eq("ok\n", c.sh("echo ok", cfg -> Sandbox.linux(cfg).put("mountLabel", "system_u:object_r:container_file_t:s0:c1,c2")), "without SELinux")),
        new Case("linux_seccomp", c -> eq("denied\n", c.sh("mkdir /tmp/x 2>/dev/null && echo made || echo denied", cfg -> Sandbox.linux(cfg).put("seccomp",
            Json.parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_ERRNO\"}]}"))), "mkdir")),
        new Case("linux_seccomp_without_close_range", c -> {
            Map<String, Object> sec = ConformanceCoreIT.seccompWithoutCloseRange();
            eq("up\n", c.sh("echo up", cfg -> {
                Sandbox.process(cfg).put("noNewPrivileges", false);
                Sandbox.linux(cfg).put("seccomp", sec);
            }), "a profile from before close_range");
        }),
        new Case("process_args_not_found", c -> {
            Path b = c.bundle(cfg -> Sandbox.args(cfg, "nosuch"));
            String id = c.id();
            c.fails("create of a missing program", "create", "--bundle", b.toString(), id);
            c.fails("state after the failed create", "state", id);
        }),
        // cgroups (config-linux.md)
        new Case("linux_cgroups_memory", cgroup(r -> r.put("memory", Json.parse("{\"limit\":67108864,\"reservation\":33554432,\"swappiness\":10,\"disableOOMKiller\":true}")), (pid, c) -> {
            eq("67108864", cgUnchecked(pid, "memory", "memory.limit_in_bytes"), "limit");
            eq("33554432", cgUnchecked(pid, "memory", "memory.soft_limit_in_bytes"), "reservation");
            eq("10", cgUnchecked(pid, "memory", "memory.swappiness"), "swappiness");
            check(cgUnchecked(pid, "memory", "memory.oom_control").contains("oom_kill_disable 1"), "disableOOMKiller");
        })),
        new Case("linux_cgroups_memory_swap", cgroup(r -> r.put("memory", Json.parse("{\"limit\":67108864,\"swap\":134217728}")), (pid, c) ->
            eq("134217728", cgUnchecked(pid, "memory", "memory.memsw.limit_in_bytes"), "swap"))),
        new Case("linux_cgroups_kernel_memory", cgroup(r -> r.put("memory", Json.parse("{\"kernel\":33554432}")), (pid, c) ->
            eq("33554432", cgUnchecked(pid, "memory", "memory.kmem.limit_in_bytes"), "kernel"))),
        new Case("linux_cgroups_cpus", cgroup(r -> r.put("cpu", Json.parse("{\"shares\":512,\"quota\":20000,\"period\":100000,\"cpus\":\"0\",\"mems\":\"0\"}")), (pid, c) -> {
            eq("512", cgUnchecked(pid, "cpu", "cpu.shares"), "shares");
            eq("20000", cgUnchecked(pid, "cpu", "cpu.cfs_quota_us"), "quota");
            eq("100000", cgUnchecked(pid, "cpu", "cpu.cfs_period_us"), "period");
            eq("0", cgUnchecked(pid, "cpuset", "cpuset.cpus"), "cpus");
            eq("0", cgUnchecked(pid, "cpuset", "cpuset.mems"), "mems");
        })),
        new Case("linux_cgroups_pids", cgroup(r -> r.put("pids", Json.parse("{\"limit\":42}")), (pid, c) -> eq("42", cgUnchecked(pid, "pids", "pids.max"), "limit"))),
        new Case("linux_cgroups_blkio_throttle", cgroup(r -> r.put("blockIO", Json.parse("{\"throttleReadBpsDevice\":[{\"major\":7,\"minor\":0,\"rate\":1048576}]}")), (pid, c) ->
            eq("7:0 1048576", cgUnchecked(pid, "blkio", "blkio.throttle.read_bps_device"), "read bps"))),
        new Case("linux_cgroups_blkio_weight", cgroup(r -> r.put("blockIO", Json.parse("{\"weight\":500}")), (pid, c) ->
            eq("500", cgUnchecked(pid, "blkio", "blkio.weight"), "weight"))),
        new Case("linux_cgroups_devices", cgroup(r -> r.put("devices", Json.parse("[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229,\"access\":\"rw\"}]")), (pid, c) -> {
            List<String> list = List.of(cgUnchecked(pid, "devices", "devices.list").split("\n"));
            check(list.contains("c 10:229 rw") && !list.contains("a *:* rwm"), "devices.list: " + list);
        })),
        new Case("linux_cgroups_hugetlb", cgroup(r -> r.put("hugepageLimits", Json.parse("[{\"pageSize\":\"2MB\",\"limit\":4194304}]")), (pid, c) ->
            eq("4194304", cgUnchecked(pid, "hugetlb", "hugetlb.2MB.limit_in_bytes"), "limit"))),
        new Case("linux_cgroups_network", cgroup(r -> r.put("network", Json.parse("{\"classID\":1048577}")), (pid, c) ->
            eq("1048577", cgUnchecked(pid, "net_cls", "net_cls.classid"), "classid"))),
        new Case("linux_cgroups_relative_path", c -> {
            String rel = "jrun-conformance-" + ProcessHandle.current().pid() + "-" + c.rt;
            String id = c.created(cfg -> Sandbox.linux(cfg).put("cgroupsPath", rel + "/" + c.prefix));
            List<Path> made = new ArrayList<>();
            for (String l : Files.readAllLines(Path.of("/proc/" + c.pid(id) + "/cgroup"))) {
                String[] f = l.split(":", 3);
                String ctl = f[1].isEmpty() ? "unified" : f[1].startsWith("name=") ? f[1].substring(5) : f[1].split(",")[0];
                if (f[2].endsWith("/" + rel + "/" + c.prefix)) made.add(Path.of("/sys/fs/cgroup", ctl, f[2]).getParent());
            }
            try {
                check(ExecAndManageIT.cgroupDir(c.pid(id), "pids").toString().endsWith("/" + rel + "/" + c.prefix), "the cgroup: " + ExecAndManageIT.cgroupDir(c.pid(id), "pids"));
            } finally {
                c.call("delete", "--force", id);
                for (Path d : made) Sandbox.exec(List.of("rmdir", d.toString()), null);
            }
        }));

    static void propagation(Ctx c, String prop, String field) throws Exception {
        Path b = c.bundle(cfg -> {
            Sandbox.args(cfg, "sh", "-c", "grep -E '^[0-9]+ [0-9]+ [^ ]+ [^ ]+ / ' /proc/self/mountinfo");
            Sandbox.linux(cfg).put("rootfsPropagation", prop);
        });
        String out = c.out(b);
        String fields = out.substring(0, Math.max(0, out.indexOf(" - ")));
        if (field.isEmpty()) check(!fields.contains("shared:") && !fields.contains("master:") && !fields.contains("unbindable"), prop + ": " + out);
        else check(fields.contains(field), prop + ": " + out);
    }

    /** The names of the cases, for ConformanceDocTest. */
    static List<String> caseNames() {
        return CASES.stream().map(Case::name).toList();
    }

    /** Runs every case on every runtime; case name -> runtime -> null (passed) or the reason it failed. */
    Map<String, Map<String, String>> runAll() {
        Map<String, Map<String, String>> results = new LinkedHashMap<>();
        int i = 0;
        for (Case k : CASES) {
            Map<String, String> row = new LinkedHashMap<>();
            for (String rt : RUNTIMES) {
                String failure = null;
                try {
                    k.check().run(new Ctx(rt, "k" + i + "-" + token));
                } catch (Throwable t) {
                    failure = String.valueOf(t.getMessage()).replace('\n', ' ');
                    if (failure.length() > 300) failure = failure.substring(0, 300) + "...";
                }
                row.put(rt, failure);
            }
            results.put(k.name(), row);
            i++;
        }
        return results;
    }

    @org.junit.jupiter.api.AfterEach
    void removeLeftCgroups() throws Exception {
        sb.close(); // the containers first (closeSandbox's second close finds nothing to do)
        for (String id : ids) Sandbox.removeCgroups("/" + id);
    }

    @Test
    void jrunPassesAtLeastAsManyAsCrunAndTheTableSaysWhich() throws Exception {
        Map<String, Map<String, String>> results = runAll();
        StringBuilder report = new StringBuilder("| case | jrun | runc | crun |\n|---|---|---|---|\n");
        Map<String, Integer> passed = new LinkedHashMap<>();
        for (String rt : RUNTIMES) passed.put(rt, 0);
        for (var e : results.entrySet()) {
            report.append("| ").append(e.getKey());
            for (String rt : RUNTIMES) {
                String f = e.getValue().get(rt);
                if (f == null) passed.merge(rt, 1, Integer::sum);
                report.append(" | ").append(f == null ? "pass" : "FAIL: " + f.replace('|', '/'));
            }
            report.append(" |\n");
        }
        report.append("\npassed of ").append(results.size()).append(": ").append(passed).append('\n');
        Path out = Path.of("target", "conformance-results.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString(), StandardCharsets.UTF_8);
        System.out.println(report);

        Map<String, Map<String, Boolean>> documented = ConformanceDocTest.table(Files.readString(Path.of("docs/conformance.md")));
        List<String> differ = new ArrayList<>();
        for (var e : results.entrySet())
            for (String rt : RUNTIMES) {
                Boolean doc = documented.getOrDefault(e.getKey(), Map.of()).get(rt);
                boolean pass = e.getValue().get(rt) == null;
                if (doc == null || doc != pass)
                    differ.add(e.getKey() + " " + rt + ": docs say " + (doc == null ? "nothing" : doc ? "pass" : "fail") + ", the run " + (pass ? "passed" : "failed: " + e.getValue().get(rt)));
            }
        assertEquals(List.of(), differ, "docs/conformance.md's table and this run differ (full results in " + out + ")");
        assertTrue(passed.get("jrun") >= passed.get("crun"), "jrun passes fewer than crun: " + passed);
    }
}
