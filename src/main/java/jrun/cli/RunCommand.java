package jrun.cli;

import java.util.List;

/** jrun run [create's flags] [--detach] [--keep] [--no-subreaper] ID: create and start; in the foreground, exit with the container's status. */
final class RunCommand implements Command {
    static final String[] SPEC = withCreateFlags(new String[] {"run", "[flags] ID", "create and start a container",
            """
            Creates the container ID as "jrun create" does, then starts it. In the foreground jrun waits \
            for the process, passes the signals it gets on to it, and exits with its status; then the \
            container is deleted, unless --keep. With process.terminal and no --console-socket, jrun \
            relays the pty to its own stdin and stdout (a terminal among them is put in raw mode meanwhile).""",
            "--detach -d", "", "return once the process runs, leaving the container running",
            "--keep", "", "keep the container when its process exits: it stays stopped until \"jrun delete\"",
            "--no-subreaper", "", "accepted for runc's sake: jrun never makes itself a subreaper",
    });

    private final CreateCommand create = new CreateCommand();
    private boolean detach, keep;

    /** Run's own triples, then create's: one description each, run's built from create's. */
    private static String[] withCreateFlags(String[] own) {
        String[] c = CreateCommand.SPEC;
        String[] all = java.util.Arrays.copyOf(own, own.length + c.length - Args.HEAD);
        System.arraycopy(c, Args.HEAD, all, own.length, c.length - Args.HEAD);
        return all;
    }

    @Override
    public String[] spec() {
        return SPEC;
    }

    @Override
    public int run(Globals g, List<String> args) {
        jrun.runtime.Lifecycle.prepareCreate();
        String id = Args.oneId("run", Args.parse(SPEC, args, (n, v) -> {
            switch (n) {
                case "--detach" -> detach = Boolean.parseBoolean(v);
                case "--keep" -> keep = Boolean.parseBoolean(v);
                case "--no-subreaper" -> { } // jrun waits for its own child only
                default -> create.option(n, v);
            }
        }));
        return g.lifecycle().run(id, create.options(!detach), keep);
    }
}
