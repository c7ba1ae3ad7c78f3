package jrun.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jrun.Invocation;
import jrun.JrunException;
import jrun.engine.Engine;
import jrun.engine.EngineClient;

/**
 * jrun engine run|start|stop|status (docs/engine.md): the resident JVM that serves bin/jrun's
 * commands warm. run: in the foreground (for a service manager); start: detached, with a pid and
 * a log file, returning once it answers; stop; status (exit 0 when running, 3 when not).
 */
final class EngineCommand implements Command {
    static final String[] SPEC = {"engine", "run|start|stop|status", "the resident JVM that serves jrun's commands warm",
            """
            The engine is one resident JVM that does the Java work of jrun's commands, so that each \
            call of bin/jrun costs a small client's start, not a JVM's (see docs/engine.md). A call \
            tries the engine's socket first and runs cold, as without it, when there is no engine, it \
            refuses the caller or cannot serve the command; JRUN_ENGINE=off forces the cold path. The \
            socket is /run/jrun/engine.sock, or JRUN_ENGINE_SOCKET.

            "run" serves in the foreground (for a service manager; a listening socket may come from \
            LISTEN_FDS), "start" detaches it with a pid file and a log file and returns once it \
            answers, "stop" stops it, "status" prints its pid, uptime, build and counters and exits 0 \
            when it runs, 3 when not.""",
            "--pid-file", "FILE", "run, start: write the engine's pid to FILE (start: default beside the socket)",
            "--log-file", "FILE", "start: the engine's log (default engine.log beside the socket)",
            "--detached", "", "run: started by \"engine start\" (internal)",
    };

    @Override
    public String[] spec() {
        return SPEC;
    }

    private String pidFile, logFile;
    private boolean detached;

    @Override
    public int run(Globals g, List<String> args) {
        List<String> pos = Args.parse(SPEC, args, (n, v) -> {
            if (n.equals("--pid-file")) pidFile = Invocation.current().path(v).toString();
            else if (n.equals("--log-file")) logFile = Invocation.current().path(v).toString();
            else detached = Boolean.parseBoolean(v);
        });
        if (pos.size() != 1) throw JrunException.usage("engine: expects one of run, start, stop, status");
        Path socket = Engine.socketPath();
        return switch (pos.get(0)) {
            case "run" -> {
                try {
                    yield Engine.run(pidFile == null ? null : Path.of(pidFile), detached, Invocation.current().err());
                } catch (IOException e) {
                    throw new JrunException("engine: " + e.getMessage(), e);
                }
            }
            case "start" -> start(socket);
            case "stop" -> {
                String r = EngineClient.ask(socket, "JRUNSTOP");
                if (r == null) {
                    Invocation.current().err().println("jrun engine: not running (no answer on " + socket + ")");
                    yield 0;
                }
                for (int i = 0; i < 500 && Files.exists(socket); i++) sleep(20);
                Invocation.current().out().print(r.replace("stopping", "stopped"));
                yield 0;
            }
            case "status" -> {
                String r = EngineClient.ask(socket, "JRUNSTAT");
                if (r == null) {
                    Invocation.current().err().println("jrun engine: not running (no answer on " + socket + ")");
                    yield 3;
                }
                Invocation.current().out().print(r);
                yield 0;
            }
            default -> throw JrunException.usage("engine: unknown subcommand \"" + pos.get(0) + "\" (run, start, stop, status)");
        };
    }

    /** Spawns `bin/jrun engine run --detached` with its output to the log, and waits until it answers. */
    private int start(Path socket) {
        if (EngineClient.ask(socket, "JRUNPING") != null) {
            Invocation.current().err().println("jrun engine: already running on " + socket);
            return 0;
        }
        String lib = System.getProperty("jrun.lib");
        if (lib == null) throw new JrunException("engine start: run it through bin/jrun (no -Djrun.lib)");
        Path jrun = Path.of(lib).resolve("../../bin/jrun").normalize();
        Path dir = socket.getParent();
        Path pid = pidFile != null ? Path.of(pidFile) : dir.resolve("engine.pid");
        Path log = logFile != null ? Path.of(logFile) : dir.resolve("engine.log");
        List<String> cmd = new ArrayList<>(List.of(jrun.toString(), "engine", "run", "--detached", "--pid-file", pid.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("JRUN_ENGINE", "off"); // its own launcher must not ask an engine
        pb.environment().put("JRUN_ENGINE_SOCKET", socket.toString());
        pb.environment().remove("LISTEN_FDS");
        pb.environment().remove("LISTEN_PID");
        pb.directory(new java.io.File("/")); // holds no caller's directory busy; requests bring their cwd
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.redirectErrorStream(true);
        Process p;
        try {
            Engine.prepareDir(dir);
            Files.createDirectories(log.getParent());
            p = pb.start();
        } catch (IOException e) {
            throw new JrunException("engine start: cannot run " + jrun + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < 1500; i++) { // 30 s: a loaded 2-core host
            String r = EngineClient.ask(socket, "JRUNPING");
            if (r != null) {
                Invocation.current().out().println("jrun engine started: pid " + p.pid() + ", socket " + socket + ", log " + log);
                return 0;
            }
            if (!p.isAlive()) throw new JrunException("engine start: the engine exited with status " + p.exitValue() + " (see " + log + ")");
            sleep(20);
        }
        p.destroyForcibly();
        throw new JrunException("engine start: no answer on " + socket + " within 30 s (see " + log + ")");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
