package jrun.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.JrunException;
import jrun.helper.Op;
import jrun.helper.Step;
import jrun.spec.Json;

/** run_oci's flags and extensions as edits of the config tree and the plan, without root. */
class RunOciExtensionTest {
    @TempDir
    Path dir;
    RunOciLayout layout;
    final List<Long> coreSched = new ArrayList<>();
    boolean altPresent;

    final RunOciExtension.Prctl fake = new RunOciExtension.Prctl() {
        @Override
        public String coreSchedCreate(long pid) {
            coreSched.add(pid);
            return null;
        }

        @Override
        public boolean altSyscallPresent() {
            return altPresent;
        }
    };

    @BeforeEach
    void setUp() throws Exception {
        layout = new RunOciLayout(dir.resolve("containers"), null);
        Files.createDirectories(layout.dir("c1"));
    }

    RunOciExtension ext(List<String> extra, List<String[]> binds, String parent, boolean user) {
        return new RunOciExtension(layout, new RunOciExtension.Options(extra, binds, parent, user, 1000, 2000, -1, false), fake);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> config(String linuxExtra, String processExtra) {
        return (Map<String, Object>) Json.parse("""
                {"ociVersion":"1.0.2","root":{"path":"rootfs"},
                 "process":{"args":["sh","-c"],"cwd":"/","user":{"uid":0,"gid":0}%s},
                 "mounts":[{"destination":"/proc","type":"proc","source":"proc"}],
                 "linux":{"namespaces":[{"type":"mount"}]%s}}""".formatted(processExtra, linuxExtra));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void flagsBecomeConfigEdits() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Map<String, Object> c = config("", "");
        ext(List.of("echo", "x"), List.<String[]>of(new String[] {src.toString(), "/data"}), "arc", true).editConfig("c1", c);
        assertEquals(List.of("sh", "-c", "echo", "x"), obj(c.get("process")).get("args"));
        String json = Json.write(c, Json.Style.COMPACT);
        assertTrue(json.contains("{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"" + src.toRealPath() + "\",\"options\":[\"bind\"]}"), json);
        Map<String, Object> linux = obj(c.get("linux"));
        assertEquals("/arc/c1", linux.get("cgroupsPath"));
        assertTrue(json.contains("{\"type\":\"user\"}"), json);
        assertEquals("[{\"containerID\":0,\"hostID\":1000,\"size\":1}]", Json.write(linux.get("uidMappings"), Json.Style.COMPACT));
        assertEquals("[{\"containerID\":0,\"hostID\":2000,\"size\":1}]", Json.write(linux.get("gidMappings"), Json.Style.COMPACT));
        assertTrue(Files.isRegularFile(layout.dir("c1").resolve(".run_oci")));
        jrun.spec.Spec.from(c); // the engine accepts the result
    }

    @Test
    void ownCgroupsPathAndUserNamespaceKept() {
        Map<String, Object> c = config(",\"cgroupsPath\":\"/mine\"", "");
        ((List<Object>) obj(c.get("linux")).get("namespaces")).add(Json.parse("{\"type\":\"user\"}"));
        ext(List.of(), List.of(), "arc", true).editConfig("c1", c);
        assertEquals("/mine", obj(c.get("linux")).get("cgroupsPath"));
        assertEquals(1, Json.write(c, Json.Style.COMPACT).split("\\{\"type\":\"user\"\\}", -1).length - 1);
    }

    @Test
    void extensionsTranslatedAndRemoved() {
        Map<String, Object> c = config(",\"coreSched\":true,\"skipSecurebits\":[\"NOROOT\"],\"altSyscall\":\"\",\"cpu\":{\"shares\":100},"
                + "\"resources\":{\"cpu\":{\"shares\":512}}", ",\"umask\":18");
        ext(List.of(), List.of(), "", false).editConfig("c1", c);
        Map<String, Object> linux = obj(c.get("linux"));
        for (String k : List.of("coreSched", "skipSecurebits", "altSyscall", "cpu", "resources")) assertFalse(linux.containsKey(k), k);
        assertEquals("18", obj(obj(c.get("process")).get("user")).get("umask").toString());
        assertFalse(obj(c.get("process")).containsKey("umask"));
        jrun.spec.Spec.from(c);
    }

    @Test
    void badExtensionsNameTheField() {
        assertEquals("linux.skipSecurebits: unknown securebit X (expected one of KEEP_CAPS, KEEP_CAPS_LOCKED, NOROOT, NOROOT_LOCKED, "
                + "NO_CAP_AMBIENT_RAISE, NO_CAP_AMBIENT_RAISE_LOCKED, NO_SETUID_FIXUP, NO_SETUID_FIXUP_LOCKED)",
                assertThrows(JrunException.class, () -> ext(List.of(), List.of(), "", false).editConfig("c1", config(",\"skipSecurebits\":[\"X\"]", ""))).getMessage());
        assertTrue(assertThrows(JrunException.class, () -> ext(List.of(), List.of(), "", false).editConfig("c1", config(",\"coreSched\":1", "")))
                .getMessage().startsWith("linux.coreSched: expected true or false"));
        assertTrue(assertThrows(JrunException.class, () -> ext(List.of(), List.of(), "", false).editConfig("c1", config(",\"altSyscall\":\"android\"", "")))
                .getMessage().contains("needs a Chrome OS kernel"));
        altPresent = true;
        assertTrue(assertThrows(JrunException.class, () -> ext(List.of(), List.of(), "", false).editConfig("c1", config(",\"altSyscall\":\"android\"", "")))
                .getMessage().contains("cannot apply one yet"));
        assertTrue(assertThrows(JrunException.class, () -> ext(List.of(), List.of(), "", false).editConfig("c1", config("", ",\"umask\":512")))
                .getMessage().startsWith("process.umask"));
        assertTrue(assertThrows(JrunException.class, () -> ext(List.of(), List.<String[]>of(new String[] {"/no/such", "/x"}), "", false)
                .editConfig("c1", config("", ""))).getMessage().equals("--bind_mount: /no/such does not exist"));
    }

    @Test
    void intermediateMountsGoBeforeCloneInAMountNamespaceOfTheHelpersOwn() throws Exception {
        Path rootfs = Files.createDirectories(dir.resolve("rootfs/mnt"));
        Map<String, Object> c = config("", "");
        ((List<Object>) c.get("mounts")).add(Json.parse("{\"destination\":\"/mnt\",\"type\":\"tmpfs\",\"source\":\"t\",\"options\":[\"size=1m\",\"nosuid\"],"
                + "\"performInIntermediateNamespace\":true}"));
        RunOciExtension e = ext(List.of(), List.of(), "", false);
        e.editConfig("c1", c);
        assertEquals(1, ((List<?>) c.get("mounts")).size()); // the engine never mounts it again in the container
        List<Step> steps = new ArrayList<>(List.of(Step.of(Op.GETFD, "stdio", 1L, 1L), Step.of(Op.CLONE, "linux.namespaces", 0L, 0L, ""),
                Step.of(Op.SET_ROOT, "root.path", rootfs.getParent().toString())));
        e.editPlan(null, steps);
        assertEquals(List.of(Op.GETFD, Op.UNSHARE, Op.MOUNT_HOST, Op.MOUNT_HOST, Op.CLONE, Op.SET_ROOT), steps.stream().map(Step::op).toList());
        assertEquals(0x20000L, steps.get(1).number(0));
        assertEquals("MOUNT_HOST  /  " + (jrun.linux.MountFlags.MS_SLAVE | jrun.linux.MountFlags.MS_REC) + " ", steps.get(2).toString());
        assertEquals("MOUNT_HOST t " + rootfs + " tmpfs " + jrun.linux.MountFlags.MS_NOSUID + " size=1m", steps.get(3).toString());
    }

    @Test
    void logFdReplacesStdoutAndStderr() {
        RunOciExtension e = new RunOciExtension(layout, new RunOciExtension.Options(List.of(), List.of(), "", false, 0, 0, 7, false), fake);
        e.editConfig("c1", config("", ""));
        List<Step> steps = new ArrayList<>();
        for (long fd = 0; fd < 3; fd++) steps.add(Step.of(Op.GETFD, "stdio", fd, fd));
        e.editPlan(null, steps);
        assertEquals(List.of("GETFD 0 0", "GETFD 7 1", "GETFD 7 2"), steps.stream().map(Step::toString).toList());
    }

    @Test
    void annotationAndCoreSchedAtCreate() throws Exception {
        RunOciExtension e = ext(List.of(), List.of(), "", false);
        assertEquals(Map.of(RunOciExtension.CONTAINER_ROOT, layout.dir("c1").toString()), e.stateAnnotations("c1"));
        e.editConfig("c1", config(",\"coreSched\":true", ""));
        ContainerState st = new ContainerState("c1", Status.CREATED, 4242, 1, dir.toString(), dir.resolve("rootfs").toString(), "", Map.of(), List.of(), Map.of());
        e.created(null, st);
        assertEquals(List.of(4242L), coreSched);
        Path d = layout.dir("c1");
        assertEquals("4242\n", Files.readString(d.resolve("container.pid")));
        assertEquals(Path.of("/proc/4242/root"), Files.readSymbolicLink(d.resolve("root")));
        assertEquals(dir.resolve("rootfs"), Files.readSymbolicLink(d.resolve("mountpoints/container-root")));
    }
}
