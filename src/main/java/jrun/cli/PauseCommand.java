package jrun.cli;

import java.util.List;

/** jrun pause ID: freezes every process of the container (its cgroup freezer). */
final class PauseCommand implements Command {
    static final String[] SPEC = {"pause", "ID", "freeze every process of a container",
            """
            Freezes the processes of the container ID with its cgroup's freezer; its state says paused \
            until "jrun resume ID".""",
    };

    @Override
    public String[] spec() {
        return SPEC;
    }

    @Override
    public int run(Globals g, List<String> args) {
        g.manage().pause(Args.oneId("pause", Args.parse(SPEC, args, (n, v) -> { })));
        return 0;
    }
}
