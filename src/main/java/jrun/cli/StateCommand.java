package jrun.cli;

import java.util.List;

/** jrun state ID: the runtime-spec state JSON on stdout. */
final class StateCommand implements Command {
    static final String[] SPEC = {"state", "ID", "print the state of a container",
            """
            Prints the runtime-spec state of the container ID as JSON: its status (creating, created, \
            running, paused or stopped), the pid of its process, its bundle and annotations.""",
    };

    @Override
    public String[] spec() {
        return SPEC;
    }

    @Override
    public int run(Globals g, List<String> args) {
        String json = g.lifecycle().state(Args.oneId("state", Args.parse(SPEC, args, (n, v) -> { })));
        jrun.Invocation.current().out().print(json.endsWith("\n") ? json : json + "\n");
        return 0;
    }
}
