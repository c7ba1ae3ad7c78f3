package jrun.cli;

import java.util.List;

/** jrun resume ID: thaws a paused container. */
final class ResumeCommand implements Command {
    static final String[] SPEC = {"resume", "ID", "thaw a paused container",
            """
            Thaws the processes of the container ID that "jrun pause" froze.""",
    };

    @Override
    public String[] spec() {
        return SPEC;
    }

    @Override
    public int run(Globals g, List<String> args) {
        g.manage().resume(Args.oneId("resume", Args.parse(SPEC, args, (n, v) -> { })));
        return 0;
    }
}
