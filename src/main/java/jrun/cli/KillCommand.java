package jrun.cli;

import java.util.List;
import java.util.Set;

import jrun.JrunException;
import jrun.runtime.Signals;

/** jrun kill [--all] ID [SIGNAL]: SIGNAL is a number, KILL or SIGKILL; SIGTERM by default. */
final class KillCommand implements Command {
    private boolean all;

    @Override
    public int run(Globals g, List<String> args) {
        List<String> pos = new Args("kill", args).parse(Set.of(), Set.of("--all", "-a"), (n, v) -> all = Boolean.parseBoolean(v));
        if (pos.isEmpty() || pos.size() > 2) throw JrunException.usage("kill: expects ID [SIGNAL]");
        int sig = Signals.parse(pos.size() == 2 ? pos.get(1) : "SIGTERM");
        g.lifecycle().kill(pos.get(0), sig, all);
        return 0;
    }
}
