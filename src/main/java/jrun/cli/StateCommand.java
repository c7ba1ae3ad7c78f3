package jrun.cli;

import java.util.List;
import java.util.Set;

/** jrun state ID: the runtime-spec state JSON on stdout. */
final class StateCommand implements Command {
    @Override
    public int run(Globals g, List<String> args) {
        String json = g.lifecycle().state(Args.oneId("state", new Args("state", args).parse(Set.of(), Set.of(), (n, v) -> { })));
        System.out.print(json.endsWith("\n") ? json : json + "\n");
        return 0;
    }
}
