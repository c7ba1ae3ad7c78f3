package jrun.it;

import jrun.testing.Sandbox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jrun.spec.Json;

/** Host-side hooks get args[0] as argv[0] (execv semantics), compared with runc on the same bundle. */
class HookArgvIT extends WithSandbox {
    static String q(String s) {
        return Json.write(s, Json.Style.COMPACT);
    }

    /** Creates and deletes a container whose createRuntime and poststop hooks log into LOG; returns the log. */
    String hookLog(String rt) throws Exception {
        Path log = sb.dir.resolve(rt + ".log"), state = sb.dir.resolve(rt + "-state.json"), script = sb.dir.resolve("args.sh");
        if (!Files.exists(script)) {
            Files.writeString(script, "#!/bin/sh\necho \"script \\$0=$0 \\$1=$1 \\$2=$2\" >> \"$LOG\"\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        String hooks = """
                {"createRuntime":[
                  {"path":"/bin/busybox","args":["tee",%s]},
                  {"path":"/bin/busybox","args":["sh","-c","echo \\"applet sh: $0 $1 $FOO\\" >> %s","zero","one"],"env":["FOO=bar"]},
                  {"path":"/bin/sh","args":["my-argv0","-c","tr '\\\\0' ' ' < /proc/$$/cmdline >> %s; echo >> %s"]},
                  {"path":%s,"args":["named","a","b"],"env":["LOG=%s"]}],
                 "poststop":[{"path":"/bin/busybox","args":["sh","-c","echo poststop $0 >> %s","ok"]}]}"""
                .formatted(q(state.toString()), log, log, log, q(script.toString()), log, log);
        Path b = sb.bundle(rt, c -> {
            Sandbox.args(c, "true");
            c.put("hooks", Json.parse(hooks));
        });
        String id = "argv-" + rt;
        (rt.equals("jrun") ? sb.jrun("create", "--bundle", b.toString(), id) : sb.runc("create", "--bundle", b.toString(), id)).ok();
        (rt.equals("jrun") ? sb.jrun("delete", "--force", id) : sb.runc("delete", "--force", id)).ok();
        Map<?, ?> st = (Map<?, ?>) Json.parse(Files.readString(state));
        assertEquals(id, st.get("id"), rt + ": busybox ran its tee applet with the state on stdin");
        assertEquals(rt.equals("runc") ? "creating" : "created", st.get("status"), rt + " (runtime-spec 1.2.1: created; runc 1.1.5: creating)");
        return Files.readString(log).replace(log.toString(), "LOG").replace(sb.dir.toString(), "DIR");
    }

    @Test
    void argvZeroIsArgsZeroAsInRunc() throws Exception {
        String jrun = hookLog("jrun"), runc = hookLog("runc");
        assertEquals(runc, jrun);
        // a #! script sees its path as $0 whatever argv[0] was: the kernel puts it there
        assertEquals("""
                applet sh: zero one bar
                my-argv0 -c tr '\\0' ' ' < /proc/$$/cmdline >> LOG; echo >> LOG\s
                script $0=DIR/args.sh $1=a $2=b
                poststop ok
                """, jrun);
    }

    @Test
    void errorsThroughTheShimStillNameTheHook() throws Exception {
        Path b = sb.bundle("missing", c -> c.put("hooks", Json.parse("{\"prestart\":[{\"path\":\"/nonexistent/hook\",\"args\":[\"x\"]}]}")));
        Sandbox.Result r = sb.jrun("create", "--bundle", b.toString(), "m1");
        assertEquals("jrun: hooks.prestart[0]: cannot run hook /nonexistent/hook: No such file or directory\n", r.err());
        assertTrue(!Files.exists(sb.jrunRoot.resolve("m1")));

        Path t = sb.bundle("timeout", c -> c.put("hooks", Json.parse("{\"prestart\":[{\"path\":\"/bin/busybox\",\"args\":[\"sleep\",\"30\"],\"timeout\":1}]}")));
        long t0 = System.nanoTime();
        r = sb.jrun("create", "--bundle", t.toString(), "t1");
        assertEquals("jrun: hooks.prestart[0]: hook /bin/busybox timed out after 1 s\n", r.err());
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L);

        Path f = sb.bundle("fails", c -> c.put("hooks", Json.parse("{\"prestart\":[{\"path\":\"/bin/busybox\",\"args\":[\"false\"]}]}")));
        r = sb.jrun("create", "--bundle", f.toString(), "f1");
        assertEquals("jrun: hooks.prestart[0]: hook /bin/busybox exited with status 1\n", r.err());
    }
}
