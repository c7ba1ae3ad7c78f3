package jrun.cli;

import java.util.List;
import java.util.Set;

/** jrun resume ID: thaws a paused container. */
final class ResumeCommand implements Command {
    @Override
    public int run(Globals g, List<String> args) {
        g.manage().resume(Args.oneId("resume", new Args("resume", args).parse(Set.of(), Set.of(), (n, v) -> { })));
        return 0;
    }
}
