package jrun.cli;

import java.util.List;

import jrun.JrunException;
import jrun.runtime.Signals;

/** jrun kill [--all] ID [SIGNAL]: SIGNAL is a number, KILL or SIGKILL; SIGTERM by default. */
final class KillCommand implements Command {
    static final String[] SPEC = {"kill", "[flags] ID [SIGNAL]", "send a signal to a container's process",
            """
            Sends SIGNAL to the process of the container ID (SIGTERM if none is given). SIGNAL is a \
            number, or a name with or without SIG: 9, KILL, SIGKILL.""",
            "--all -a", "", "send it to every process in the container's cgroups",
    };

    private boolean all;

    @Override
    public String[] spec() {
        return SPEC;
    }

    @Override
    public int run(Globals g, List<String> args) {
        List<String> pos = Args.parse(SPEC, args, (n, v) -> all = Boolean.parseBoolean(v));
        if (pos.isEmpty() || pos.size() > 2) throw JrunException.usage("kill: expects ID [SIGNAL]");
        int sig = Signals.parse(pos.size() == 2 ? pos.get(1) : "SIGTERM");
        g.lifecycle().kill(pos.get(0), sig, all);
        return 0;
    }
}
