package jrun.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jrun.JrunException;

/** process: what the container runs and as whom. */
public record ProcessSpec(boolean terminal, int consoleRows, int consoleCols, User user, List<String> args,
        List<String> env, String cwd, List<Rlimit> rlimits, boolean noNewPrivileges, Integer oomScoreAdj,
        Map<String, Object> capabilities, ProcessTuning.Scheduler scheduler, Integer ioPriority,
        ProcessTuning.ExecAffinity execCPUAffinity) {

    static ProcessSpec from(Fields f) {
        List<String> args = f.strings("args");
        if (args.isEmpty()) throw new JrunException(f.path("args") + ": required (at least the program)");
        String cwd = f.str("cwd");
        if (!cwd.startsWith("/")) throw new JrunException(f.path("cwd") + ": must be an absolute path, got \"" + cwd + "\"");
        Fields cs = f.object("consoleSize");
        int rows = cs == null ? 0 : (int) cs.integer("height", 0, 65535, 0);
        int cols = cs == null ? 0 : (int) cs.integer("width", 0, 65535, 0);
        List<Rlimit> rl = new ArrayList<>();
        List<Object> l = f.list("rlimits");
        for (int i = 0; i < l.size(); i++) rl.add(Rlimit.from(f.element("rlimits", l.get(i), i)));
        for (String e : f.strings("env"))
            if (!e.contains("=")) throw new JrunException(f.path("env") + ": \"" + e + "\" is not NAME=VALUE");
        Fields u = f.object("user");
        if (u == null) throw new JrunException(f.path("user") + ": required");
        Fields caps = f.object("capabilities"); // compiled by jrun.linux.Capabilities (absent: none, as runc)
        f.refuse("apparmorProfile", "there is no AppArmor on this host");
        f.refuse("selinuxLabel", "there is no SELinux on this host");
        Long oom = f.optInteger("oomScoreAdj", -1000, 1000);
        return new ProcessSpec(f.bool("terminal", false), rows, cols, User.from(u), args, f.strings("env"), cwd,
                List.copyOf(rl), f.bool("noNewPrivileges", false), oom == null ? null : oom.intValue(),
                caps == null ? null : caps.map(), ProcessTuning.scheduler(f.object("scheduler")), ProcessTuning.ioPriority(f.object("ioPriority")),
                ProcessTuning.execAffinity(f.object("execCPUAffinity")));
    }
}
