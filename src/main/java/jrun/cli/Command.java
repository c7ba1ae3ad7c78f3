package jrun.cli;

import java.util.List;

/** One jrun subcommand: parses its own options, then calls one jrun.runtime method. */
interface Command {
    /** Returns the exit status. */
    int run(Globals globals, List<String> args);

    /** Its description (see Args): name, arguments, summary, description, flags. */
    String[] spec();
}
