package jrun.cli;

import java.util.List;

/** jrun start ID */
final class StartCommand implements Command {
    static final String[] SPEC = {"start", "ID", "run the process of a created container",
            """
            Lets the waiting process of the container ID, made by "jrun create", run its program, after \
            the startContainer hooks; the poststart hooks run after it.""",
    };

    @Override
    public String[] spec() {
        return SPEC;
    }

    @Override
    public int run(Globals g, List<String> args) {
        g.lifecycle().start(Args.oneId("start", Args.parse(SPEC, args, (n, v) -> { })));
        return 0;
    }
}
