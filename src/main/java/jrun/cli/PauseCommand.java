package jrun.cli;

import java.util.List;
import java.util.Set;

/** jrun pause ID: freezes every process of the container (its cgroup freezer). */
final class PauseCommand implements Command {
    @Override
    public int run(Globals g, List<String> args) {
        g.manage().pause(Args.oneId("pause", new Args("pause", args).parse(Set.of(), Set.of(), (n, v) -> { })));
        return 0;
    }
}
