package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import jrun.testing.Sandbox;

/**
 * Bounded load: many jrun commands at once on one state root. Each must succeed or fail with one
 * clear line, and nothing may be left: no process, cgroup, mount or state.
 */
@Timeout(300)
class LoadIT extends WithSandbox {
    /** jrun with this sandbox's root; thread-safe (Sandbox.jrun remembers ids in a list). */
    private Sandbox.Result jrun(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Sandbox.JRUN.toString(), "--root", sb.jrunRoot.toString()));
        cmd.addAll(List.of(args));
        return Sandbox.exec(cmd, null, Map.of());
    }

    /** Runs every task at once (one thread each), returns their results in order. */
    private static <T> List<T> together(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<T> out = new ArrayList<>();
            for (Future<T> f : pool.invokeAll(tasks, 240, TimeUnit.SECONDS)) out.add(f.get());
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void fiftyParallelCreatesStartsAndDeletes() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        List<Callable<String>> tasks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String id = "p" + i;
            tasks.add(() -> {
                for (String[] cmd : List.of(new String[] {"create", "--bundle", b.toString(), id}, new String[] {"start", id},
                        new String[] {"delete", "--force", id})) {
                    Sandbox.Result r = jrun(cmd);
                    if (r.status() != 0) return id + " " + cmd[0] + ": " + r.status() + " " + r.err();
                }
                return "ok";
            });
        }
        for (String r : together(tasks)) assertEquals("ok", r);
        for (int i = 0; i < 50; i++) { // the files of each; nothingLeftOf's list and mounts once, below
            assertFalse(Files.exists(sb.jrunRoot.resolve("p" + i)), "state directory left: p" + i);
            for (String dir : sb.cgroupDirs("p" + i)) assertFalse(Files.exists(Path.of(dir)), "cgroup left: " + dir);
        }
        LifecycleErrorsIT.nothingLeftOf(sb, "p0");
        LifecycleErrorsIT.noProcessLeft(sb);
    }

    @Test
    void twentyConcurrentExecs() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        sb.jrun("create", "--bundle", b.toString(), "e1").ok();
        sb.jrun("start", "e1").ok();
        List<Callable<Sandbox.Result>> tasks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String n = Integer.toString(i);
            tasks.add(() -> jrun("exec", "e1", "sh", "-c", "echo " + n));
        }
        List<Sandbox.Result> rs = together(tasks);
        for (int i = 0; i < 20; i++) {
            assertEquals(0, rs.get(i).status(), rs.get(i).err());
            assertEquals(Integer.toString(i), rs.get(i).out().strip());
        }
        sb.jrun("delete", "--force", "e1").ok();
        LifecycleErrorsIT.nothingLeftOf(sb, "e1");
        LifecycleErrorsIT.noProcessLeft(sb);
    }

    @Test
    void oneIdCreatedTwentyTimesAtOnceHasOneWinner() throws Exception {
        Path b = sb.bundle("b", c -> Sandbox.args(c, "sleep", "1000"));
        List<Callable<Sandbox.Result>> tasks = new ArrayList<>();
        for (int i = 0; i < 20; i++) tasks.add(() -> jrun("create", "--bundle", b.toString(), "same"));
        int won = 0;
        for (Sandbox.Result r : together(tasks)) {
            if (r.status() == 0) {
                won++;
                continue;
            }
            assertEquals(1, r.status(), r.err());
            assertEquals("jrun: container with id same already exists", r.err().strip());
        }
        assertEquals(1, won, "exactly one create wins");
        assertEquals("created", ((Map<?, ?>) jrun.spec.Json.parse(sb.jrun("state", "same").ok().out())).get("status"));
        sb.jrun("delete", "--force", "same").ok();
        LifecycleErrorsIT.nothingLeftOf(sb, "same");
        LifecycleErrorsIT.noProcessLeft(sb);
    }
}
