package jrun.cli;

import java.nio.file.Path;
import java.util.List;

import jrun.runtime.CreateOptions;

/** jrun create [--bundle DIR] [--pid-file F] [--console-socket S] [--no-pivot] [--no-new-keyring] [--preserve-fds N] ID */
final class CreateCommand implements Command {
    /** The description the parser, help and man page read (Args); run adds its own flags to these. */
    static final String[] SPEC = {"create", "[flags] ID", "create a container whose process waits for start",
            """
            Sets up the container ID from the bundle's config.json: its namespaces, root filesystem, \
            mounts, cgroups and limits, with its process made and waiting. "jrun start ID" runs the \
            process; "jrun delete ID" removes the container. ID must be new, made of letters, digits and _ + - .

            Without process.terminal the process gets jrun's stdin, stdout and stderr; with it, the pty's \
            master goes to --console-socket.""",
            "--bundle -b", "DIR", "the bundle: a directory holding config.json (default: the current directory)",
            "--console-socket", "PATH", "a unix socket that receives the pty's master (process.terminal)",
            "--pid-file", "FILE", "write the host pid of the container's process to FILE",
            "--no-pivot", "", "enter the root filesystem with chroot instead of pivot_root (for a root on a ramdisk)",
            "--no-new-keyring", "", "keep the caller's session keyring instead of making the container its own",
            "--preserve-fds", "N", "pass N more file descriptors, from fd 3 on (after any $LISTEN_FDS), to the process",
    };

    String bundle = ".";
    String pidFile;
    String consoleSocket;
    boolean noPivot;
    boolean noNewKeyring;
    int preserveFds;

    @Override
    public String[] spec() {
        return SPEC;
    }

    void option(String name, String value) {
        switch (name) {
            case "--bundle" -> bundle = value;
            case "--pid-file" -> pidFile = value;
            case "--console-socket" -> consoleSocket = value;
            case "--no-pivot" -> noPivot = Boolean.parseBoolean(value);
            case "--preserve-fds" -> preserveFds = Args.nonNegative(name, value);
            case "--no-new-keyring" -> noNewKeyring = Boolean.parseBoolean(value);
            default -> throw new IllegalStateException(name);
        }
    }

    CreateOptions options(boolean foreground) {
        int listen = 0;
        String lf = jrun.Invocation.current().env("LISTEN_FDS");
        if (lf != null && !lf.isEmpty()) listen = Args.nonNegative("LISTEN_FDS", lf);
        if (preserveFds + listen > 500) throw jrun.JrunException.usage("--preserve-fds: at most 500 fds can be passed");
        String c = jrun.Invocation.callers(consoleSocket);
        return new CreateOptions(Path.of(jrun.Invocation.callers(bundle)), jrun.Invocation.callers(pidFile), c, noPivot, noNewKeyring, preserveFds, listen, foreground);
    }

    @Override
    public int run(Globals g, List<String> args) {
        jrun.runtime.Lifecycle.prepareCreate();
        String id = Args.oneId("create", Args.parse(SPEC, args, this::option));
        g.lifecycle().create(id, options(false));
        return 0;
    }
}
