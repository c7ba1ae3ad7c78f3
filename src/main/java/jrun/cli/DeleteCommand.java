package jrun.cli;

import java.util.List;
import java.util.Set;

/** jrun delete [--force] ID */
final class DeleteCommand implements Command {
    private boolean force;

    @Override
    public int run(Globals g, List<String> args) {
        String id = Args.oneId("delete", new Args("delete", args).parse(Set.of(), Set.of("--force", "-f"), (n, v) -> force = Boolean.parseBoolean(v)));
        g.lifecycle().delete(id, force);
        return 0;
    }
}
