package jrun.cli;

import java.util.List;

import jrun.JrunException;

/** runc's checkpoint and restore: jrun has no CRIU support, and says so naming the command. */
final class UnsupportedCommand implements Command {
    static final String[] CHECKPOINT = {"checkpoint", "[flags] ID", "not supported: jrun cannot checkpoint a container",
            """
            runc saves a running container to disk with CRIU; jrun has no CRIU support, and this command \
            fails (status 1) naming itself, whatever its flags.""",
    };
    static final String[] RESTORE = {"restore", "[flags] ID", "not supported: jrun cannot restore a container",
            """
            runc restores a container from a CRIU checkpoint; jrun has no CRIU support, and this command \
            fails (status 1) naming itself, whatever its flags.""",
    };

    private final String[] spec;

    UnsupportedCommand(String[] spec) {
        this.spec = spec;
    }

    @Override
    public String[] spec() {
        return spec;
    }

    @Override
    public int run(Globals g, List<String> args) {
        for (String a : args) {
            if (a.equals("--")) break;
            if (Args.isHelp(a)) throw Args.helpRequested(spec);
        }
        throw new JrunException(spec[0] + ": not supported: jrun has no checkpoint/restore (CRIU) support");
    }
}
