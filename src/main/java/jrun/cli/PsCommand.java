package jrun.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jrun.JrunException;

/**
 * jrun ps [--format table|json] ID [PS_ARGS...]: json prints the host pids in the container's
 * cgroups as an array (what containerd reads); table runs ps(1) (default -ef) and keeps its
 * header and the container's lines, as runc does.
 */
final class PsCommand implements Command {
    static final String[] SPEC = {"ps", "[flags] ID [PS-ARGS...]", "list the processes of a container",
            """
            Lists the processes in the cgroups of the container ID: with --format table, the lines of \
            ps(1) (run with PS-ARGS, by default -ef) for those processes; with --format json, an array of \
            their host pids. Flags end at ID: what follows goes to ps.""",
            "--format -f", "FORMAT", "table or json (default table)",
    };

    private String format = "table";

    @Override
    public String[] spec() {
        return SPEC;
    }

    @Override
    public int run(Globals g, List<String> args) {
        List<String> pos = Args.parse(SPEC, args, (n, v) -> format = v, true); // the id ends the flags: what follows is ps's
        if (pos.isEmpty()) throw JrunException.usage("ps: expects a container id");
        if (!format.equals("table") && !format.equals("json"))
            throw JrunException.usage("ps: --format: expected table or json, got \"" + format + "\"");
        String id = pos.get(0);
        List<String> psArgs = pos.subList(1, pos.size());
        List<Long> pids = g.manage().pids(id);
        if (format.equals("json")) {
            if (!psArgs.isEmpty()) throw JrunException.usage("ps: ps arguments cannot be used with --format json");
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < pids.size(); i++) sb.append(i == 0 ? "" : ",").append(pids.get(i));
            jrun.Invocation.current().out().println(sb.append(']'));
            return 0;
        }
        List<String> cmd = new ArrayList<>(List.of("ps"));
        cmd.addAll(psArgs.isEmpty() ? List.of("-ef") : psArgs);
        String out;
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new JrunException("ps " + String.join(" ", cmd.subList(1, cmd.size())) + " failed");
        } catch (IOException e) {
            throw new JrunException("cannot run ps: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JrunException("interrupted");
        }
        List<String> lines = out.lines().toList();
        if (lines.isEmpty()) return 0;
        int col = List.of(lines.get(0).trim().split("\\s+")).indexOf("PID");
        if (col < 0) throw new JrunException("ps: no PID column in the output of ps " + String.join(" ", cmd.subList(1, cmd.size())));
        Set<String> want = new HashSet<>();
        for (long p : pids) want.add(Long.toString(p));
        StringBuilder sb = new StringBuilder(lines.get(0)).append('\n');
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.trim().split("\\s+");
            if (f.length > col && want.contains(f[col])) sb.append(l).append('\n');
        }
        jrun.Invocation.current().out().print(sb);
        return 0;
    }
}
