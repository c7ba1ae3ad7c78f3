package jrun.cli;

import java.util.List;

/** jrun delete [--force] ID */
final class DeleteCommand implements Command {
    static final String[] SPEC = {"delete", "[flags] ID", "delete a container and what it holds",
            """
            Removes the container ID: runs its poststop hooks, removes its cgroups, mounts and state. \
            A container whose process still runs is refused unless --force.""",
            "--force -f", "", "kill the container's processes (SIGKILL) first if it still runs",
    };

    private boolean force;

    @Override
    public String[] spec() {
        return SPEC;
    }

    @Override
    public int run(Globals g, List<String> args) {
        String id = Args.oneId("delete", Args.parse(SPEC, args, (n, v) -> force = Boolean.parseBoolean(v)));
        g.lifecycle().delete(id, force);
        return 0;
    }
}
