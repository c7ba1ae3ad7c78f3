package jrun.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import jrun.runtime.CreateOptions;

/** jrun create [--bundle DIR] [--pid-file F] [--console-socket S] [--no-pivot] [--no-new-keyring] [--preserve-fds N] ID */
final class CreateCommand implements Command {
    static final Set<String> VALUES = Set.of("--bundle", "-b", "--pid-file", "--console-socket", "--preserve-fds");
    static final Set<String> BOOLS = Set.of("--no-pivot", "--no-new-keyring");

    String bundle = ".";
    String pidFile;
    String consoleSocket;
    boolean noPivot;
    boolean noNewKeyring;
    int preserveFds;

    void option(String name, String value) {
        switch (name) {
            case "--bundle", "-b" -> bundle = value;
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
        String lf = System.getenv("LISTEN_FDS");
        if (lf != null && !lf.isEmpty()) listen = Args.nonNegative("LISTEN_FDS", lf);
        if (preserveFds + listen > 500) throw jrun.JrunException.usage("--preserve-fds: at most 500 fds can be passed");
        return new CreateOptions(Path.of(bundle), pidFile, consoleSocket, noPivot, noNewKeyring, preserveFds, listen, foreground);
    }

    @Override
    public int run(Globals g, List<String> args) {
        jrun.runtime.Lifecycle.prepareCreate();
        String id = Args.oneId("create", new Args("create", args).parse(VALUES, BOOLS, this::option));
        g.lifecycle().create(id, options(false));
        return 0;
    }
}
