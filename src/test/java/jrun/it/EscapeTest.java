package jrun.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import jrun.linux.MountInfo;
import jrun.linux.ProcFiles;
import jrun.spec.Json;
import jrun.testing.Home;
import jrun.testing.PrivateEngine;
import jrun.testing.Sandbox;

/**
 * The base of the escape tests (docs/security.md): a container run by jrun is the attacker, and
 * what it attacks is a copy of the build (bin/ and lib/jrun) in the sandbox, never the build's own
 * files. The copy is of {@code -Djrun.it.target=DIR} when given (a tree with a deliberately
 * weakened helper, to see a test fail on a runtime with the hole), else of the build.
 */
abstract class EscapeTest extends WithSandbox implements PrivateEngine.OwnEngine {
    /** The copy's bin/jrun. */
    Path jrun;
    private final List<String> ours = new ArrayList<>();

    @BeforeEach
    final void copyBuild() throws IOException {
        Path from = Path.of(System.getProperty("jrun.it.target", Home.dir().toString()));
        Path to = sb.dir.resolve("build");
        Files.createDirectories(to.resolve("bin"));
        Files.createDirectories(to.resolve("lib/jrun"));
        try (var bins = Files.list(from.resolve("bin"))) {
            for (Path b : bins.toList())
                if (Files.isRegularFile(b, LinkOption.NOFOLLOW_LINKS))
                    Files.copy(b, to.resolve("bin").resolve(b.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
        // the JDK link stays a link (the JDK is not ours); the AOT caches keep their jar's mtime
        try (var libs = Files.list(from.resolve("lib/jrun"))) {
            for (Path l : libs.toList())
                Files.copy(l, to.resolve("lib/jrun").resolve(l.getFileName()), StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
        jrun = to.resolve("bin/jrun");
        CopyEngine.start(jrun);
    }

    @AfterEach
    final void deleteOurs() {
        for (String id : ours) Sandbox.exec(List.of(jrun.toString(), "--root", sb.jrunRoot.toString(), "delete", "--force", id), null);
        CopyEngine.stop(jrun, getClass().getSimpleName()); // runc's cases make no request
    }

    @BeforeAll
    static void noneServedYet() {
        CopyEngine.newClass();
    }

    @AfterAll
    static void theAttacksWentThroughTheEngine() {
        CopyEngine.assertServed("the class");
    }

    /** Runs the copy's jrun with the sandbox's --root; containers it creates are deleted after the test. */
    Sandbox.Result jrun(String... args) {
        List<String> cmd = new ArrayList<>(List.of(jrun.toString(), "--root", sb.jrunRoot.toString()));
        cmd.addAll(List.of(args));
        List<String> l = List.of(args);
        if (l.contains("create") || l.contains("run")) ours.add(l.get(l.size() - 1));
        return Sandbox.exec(cmd, null);
    }

    /** A container the test made through a shell line, deleted after the test. */
    void remember(String id) {
        ours.add(id);
    }

    /** The same command line for a shell: the copy's jrun with the sandbox's --root. */
    String jrunLine() {
        return jrun + " --root " + sb.jrunRoot;
    }

    /** jrun or runc (the control: runc 1.1.5 as Debian patched it), same arguments. */
    Sandbox.Result rt(String runtime, String... args) {
        return runtime.equals("jrun") ? jrun(args) : sb.runc(args);
    }

    long initPid(String runtime, String id) {
        Object pid = ((java.util.Map<?, ?>) Json.parse(rt(runtime, "state", id).ok().out())).get("pid");
        return Long.parseLong(pid.toString());
    }

    /** Compiles src/test/c/NAME.c statically into the rootfs's /bin (the container has no libc). */
    static void attacker(Path rootfs, String name) {
        Path src = Home.dir().resolve("src/test/c/" + name + ".c");
        Sandbox.Result r = Sandbox.exec(List.of("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-static", "-o",
                rootfs.resolve("bin/" + name).toString(), src.toString()), null);
        if (r.status() != 0) throw new AssertionError("gcc " + src + ": " + r.err());
    }

    /** The host's mount points outside dir (whatever runs in dir may mount there). */
    static TreeSet<String> hostMountsOutside(Path dir) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        String prefix = dir.toString();
        for (String mp : MountInfo.mountpoints(ProcFiles.read(Path.of("/proc/self/mountinfo"))))
            if (!mp.equals(prefix) && !mp.startsWith(prefix + "/")) out.add(mp);
        return out;
    }
}
