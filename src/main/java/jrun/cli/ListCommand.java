package jrun.cli;

import java.util.ArrayList;
import java.util.List;

import jrun.JrunException;
import jrun.runtime.ContainerState;
import jrun.runtime.StateStore;
import jrun.runtime.Status;
import jrun.spec.Json;

/** jrun list [--format table|json] [--quiet]: runc's columns, or its JSON array. */
final class ListCommand implements Command {
    static final String[] SPEC = {"list", "[flags]", "list the containers under --root",
            """
            Lists the containers whose state is under the global --root: a table of ID, PID, STATUS, \
            BUNDLE, CREATED and OWNER, or a JSON array of their states.""",
            "--format -f", "FORMAT", "table or json (default table)",
            "--quiet -q", "", "print the container ids only",
    };

    private String format = "table";
    private boolean quiet;

    @Override
    public String[] spec() {
        return SPEC;
    }

    @Override
    public int run(Globals g, List<String> args) {
        List<String> pos = Args.parse(SPEC, args, (n, v) -> {
            if (n.equals("--format")) format = v;
            else quiet = Boolean.parseBoolean(v);
        });
        if (!pos.isEmpty()) throw JrunException.usage("list: takes no arguments");
        if (!format.equals("table") && !format.equals("json")) throw JrunException.usage("list: --format must be table or json, got \"" + format + "\"");
        List<ContainerState> all = g.lifecycle().list();
        StringBuilder out = new StringBuilder();
        if (quiet) {
            for (ContainerState s : all) out.append(s.id()).append('\n');
        } else if (format.equals("json")) {
            List<Object> arr = new ArrayList<>();
            for (ContainerState s : all) arr.add(s.specState(StateStore.liveStatus(s)));
            out.append(Json.write(arr)).append('\n');
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"});
            for (ContainerState s : all) {
                Status st = StateStore.liveStatus(s);
                rows.add(new String[] {s.id(), st == Status.STOPPED ? "0" : Long.toString(s.pid()), st.specName(), s.bundle(), s.created(), "root"});
            }
            table(out, rows);
        }
        jrun.Invocation.current().out().print(out);
        return 0;
    }

    /** Columns at least 12 wide with 3 spaces of padding, like runc's tabwriter. */
    static void table(StringBuilder out, List<String[]> rows) {
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], Math.max(12, r[i].length() + 3));
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(r[i]);
                if (i < r.length - 1) line.append(" ".repeat(w[i] - r[i].length()));
            }
            out.append(line).append('\n');
        }
    }
}
