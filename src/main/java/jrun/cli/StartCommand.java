package jrun.cli;

import java.util.List;
import java.util.Set;

/** jrun start ID */
final class StartCommand implements Command {
    @Override
    public int run(Globals g, List<String> args) {
        g.lifecycle().start(Args.oneId("start", new Args("start", args).parse(Set.of(), Set.of(), (n, v) -> { })));
        return 0;
    }
}
