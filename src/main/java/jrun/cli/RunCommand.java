package jrun.cli;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** jrun run [create's flags] [--detach] ID: create and start; in the foreground, exit with the container's status. */
final class RunCommand implements Command {
    private final CreateCommand create = new CreateCommand();
    private boolean detach;

    @Override
    public int run(Globals g, List<String> args) {
        jrun.runtime.Lifecycle.prepareCreate();
        Set<String> bools = new HashSet<>(CreateCommand.BOOLS);
        bools.add("--detach");
        bools.add("-d");
        String id = Args.oneId("run", new Args("run", args).parse(CreateCommand.VALUES, bools, (n, v) -> {
            if (n.equals("--detach") || n.equals("-d")) detach = Boolean.parseBoolean(v);
            else create.option(n, v);
        }));
        return g.lifecycle().run(id, create.options(!detach));
    }
}
