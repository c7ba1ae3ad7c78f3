package jrun.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jrun.JrunException;
import jrun.runtime.ExecOptions;
import jrun.spec.ConfigFile;
import jrun.spec.ConfigTree;
import jrun.spec.Json;
import jrun.spec.JsonNumber;

/**
 * jrun exec [flags] ID [COMMAND [ARG...]], runc's flags: --process FILE (a runtime-spec process;
 * "-" reads stdin), or the container's own process edited by --tty, --cwd, --env, --user,
 * --additional-gids, --cap, --no-new-privs; --console-socket, --detach, --pid-file,
 * --preserve-fds, --ignore-paused. Flags stop at the id: what follows is the command.
 */
final class ExecCommand implements Command {
    static final String[] SPEC = {"exec", "[flags] ID COMMAND [ARG...] | --process FILE ID", "run a new process in a running container",
            """
            Runs COMMAND in the container ID, in its namespaces and cgroups, with the container's own \
            process settings (user, env, cwd, capabilities, rlimits, seccomp) as the base that the flags \
            edit; or runs the runtime-spec process object of --process FILE instead. Flags end at ID: \
            what follows is the command. In the foreground jrun passes its signals on to the process and \
            exits with its status; with --tty and no --console-socket it relays the pty to its own stdin \
            and stdout, as run does.""",
            "--process -p", "FILE", "a runtime-spec process object (JSON) to run; - reads it from stdin",
            "--tty -t", "", "give the process a pty (process.terminal)",
            "--console-socket", "PATH", "a unix socket that receives the pty's master",
            "--detach -d", "", "return once the process runs",
            "--pid-file", "FILE", "write the process's host pid to FILE",
            "--cwd", "DIR", "the working directory in the container",
            "--env -e", "NAME=VALUE", "set an environment variable (repeatable)",
            "--user -u", "UID[:GID]", "the uid, and gid, to run as",
            "--additional-gids -g", "GID", "an additional group id (repeatable; also a comma-separated list)",
            "--cap -c", "CAP", "add a capability to the bounding, effective and permitted sets (repeatable)",
            "--no-new-privs", "", "set no_new_privs for the process",
            "--preserve-fds", "N", "pass N more file descriptors, from fd 3 on, to the process",
            "--ignore-paused", "", "run even in a paused container",
            "--no-subreaper", "", "accepted for runc's sake: jrun never makes itself a subreaper",
            "--cgroup", "PATH", "not supported: joining a sub-cgroup is refused",
            "--process-label", "LABEL", "not supported: there is no SELinux on this host",
            "--apparmor", "PROFILE", "not supported: there is no AppArmor on this host",
    };

    String process, consoleSocket, pidFile, cwd, user;
    boolean tty, detach, noNewPrivs, ignorePaused;
    int preserveFds;
    final List<String> env = new ArrayList<>(), gids = new ArrayList<>(), caps = new ArrayList<>();

    void option(String name, String value) {
        switch (name) {
            case "--process" -> process = value;
            case "--console-socket" -> consoleSocket = value;
            case "--pid-file" -> pidFile = value;
            case "--cwd" -> cwd = value;
            case "--env" -> env.add(value);
            case "--user" -> user = value;
            case "--additional-gids" -> gids.add(value);
            case "--cap" -> caps.add(value);
            case "--preserve-fds" -> preserveFds = Args.nonNegative(name, value);
            case "--tty" -> tty = Boolean.parseBoolean(value);
            case "--detach" -> detach = Boolean.parseBoolean(value);
            case "--no-new-privs" -> noNewPrivs = Boolean.parseBoolean(value);
            case "--ignore-paused" -> ignorePaused = Boolean.parseBoolean(value);
            case "--no-subreaper" -> { } // jrun never becomes a subreaper
            case "--cgroup" -> throw new JrunException("exec: --cgroup: joining a sub-cgroup is not supported by jrun yet");
            case "--process-label" -> throw new JrunException("exec: --process-label: there is no SELinux on this host");
            case "--apparmor" -> throw new JrunException("exec: --apparmor: there is no AppArmor on this host");
            default -> throw new IllegalStateException(name);
        }
    }

    @Override
    public String[] spec() {
        return SPEC;
    }

    @Override
    public int run(Globals g, List<String> args) {
        List<String> pos = Args.parse(SPEC, args, this::option, true); // the id ends the flags: what follows is the command
        if (pos.isEmpty()) throw JrunException.usage("exec: expects a container id");
        String id = pos.get(0);
        List<String> command = pos.subList(1, pos.size());
        var exec = g.exec();
        Map<String, Object> p;
        if (process != null) {
            if (!command.isEmpty()) throw JrunException.usage("exec: give either --process or a command, not both");
            p = readProcess(process);
        } else {
            if (command.isEmpty()) throw JrunException.usage("exec: no command given (and no --process)");
            p = exec.containerProcess(id);
            p.put("args", new ArrayList<Object>(command));
            p.put("terminal", tty);
            p.remove("consoleSize");
        }
        edit(p);
        if (!g.envPresets().isEmpty()) { // Docker builds an exec's env from its own metadata: the presets apply here too
            Map<String, Object> asConfig = new LinkedHashMap<>();
            asConfig.put("process", p);
            for (jrun.rules.EnvEdit e : g.envPresets()) e.apply(asConfig, jrun.rules.Context.host());
        }
        return exec.exec(id, p, new ExecOptions(jrun.Invocation.callers(consoleSocket), detach, jrun.Invocation.callers(pidFile), preserveFds, ignorePaused));
    }

    private static Map<String, Object> readProcess(String file) {
        try {
            if (!file.equals("-")) {
                java.nio.file.Path f = java.nio.file.Path.of(jrun.Invocation.callers(file)); // warm: the caller's relative path
                return new LinkedHashMap<>(ConfigFile.rootObject(ConfigFile.read(f), f));
            }
            Object tree = Json.parse(new String(ConfigFile.bounded(jrun.Invocation.current().in(), "--process - (stdin)"), StandardCharsets.UTF_8));
            return new LinkedHashMap<>(ConfigTree.object(tree, "--process -"));
        } catch (IOException e) {
            throw new JrunException("--process: cannot read stdin: " + e.getMessage(), e);
        } catch (RuntimeException e) { // a JSON syntax error on stdin, or not an object
            if (e instanceof JrunException je && je.getMessage().startsWith("--process")) throw je;
            if (e instanceof JrunException je && je.getMessage().startsWith(file + ":")) throw new JrunException("--process " + je.getMessage(), e);
            throw new JrunException("--process " + file + ": " + e.getMessage(), e);
        }
    }

    /** runc's flags on top of the process: they win over --process too. */
    @SuppressWarnings("unchecked")
    private void edit(Map<String, Object> p) {
        if (tty) p.put("terminal", true);
        if (cwd != null) p.put("cwd", cwd);
        if (noNewPrivs) p.put("noNewPrivileges", true);
        if (!env.isEmpty()) {
            List<Object> e = new ArrayList<>(p.get("env") instanceof List<?> l ? (List<Object>) l : List.of());
            for (String kv : env) {
                int eq = kv.indexOf('=');
                String key = eq < 0 ? kv : kv.substring(0, eq + 1);
                e.removeIf(x -> x instanceof String s && (eq < 0 ? s.startsWith(kv + "=") : s.startsWith(key)));
                e.add(kv);
            }
            p.put("env", e);
        }
        if (user != null || !gids.isEmpty()) {
            Map<String, Object> u = new LinkedHashMap<>(p.get("user") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
            if (user != null) {
                String[] ug = user.split(":", 2);
                u.put("uid", JsonNumber.of(Args.nonNegative("--user", ug[0])));
                if (ug.length == 2) u.put("gid", JsonNumber.of(Args.nonNegative("--user", ug[1])));
                else u.putIfAbsent("gid", JsonNumber.of(0));
            }
            if (!gids.isEmpty()) {
                List<Object> l = new ArrayList<>();
                for (String gid : gids) for (String x : gid.split(",")) l.add(JsonNumber.of(Args.nonNegative("--additional-gids", x.trim())));
                u.put("additionalGids", l);
            }
            p.put("user", u);
        }
        if (!caps.isEmpty()) { // runc: into bounding, effective and permitted
            Map<String, Object> c = new LinkedHashMap<>(p.get("capabilities") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
            for (String set : List.of("bounding", "effective", "permitted")) {
                List<Object> l = new ArrayList<>(c.get(set) instanceof List<?> x ? (List<Object>) x : List.of());
                for (String cap : caps) if (!l.contains(cap)) l.add(cap);
                c.put(set, l);
            }
            p.put("capabilities", c);
        }
    }
}
