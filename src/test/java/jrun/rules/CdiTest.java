package jrun.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jrun.JrunException;
import jrun.spec.Json;

class CdiTest {
    @TempDir
    Path dir;

    private Context ctx() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc-cdi")), run = Files.createDirectories(dir.resolve("run-cdi"));
        Files.writeString(etc.resolve("vendor.json"), """
                {"cdiVersion": "0.6.0", "kind": "vendor.com/fpga",
                 "devices": [{"name": "a", "containerEdits": {"env": ["FPGA=a"],
                   "deviceNodes": [{"path": "/dev/fuse"}],
                   "mounts": [{"hostPath": "/opt/fpga/lib", "containerPath": "/usr/lib/fpga", "options": ["ro", "rbind"]}],
                   "hooks": [{"hookName": "createContainer", "path": "/opt/fpga/hook", "args": ["hook", "a"]}],
                   "additionalGids": [44]}},
                  {"name": "b", "containerEdits": {"env": ["FPGA=b"]}}]}
                """);
        Files.writeString(run.resolve("override.yaml"), "cdiVersion: 0.6.0\nkind: vendor.com/fpga\ndevices:\n  - name: b\n    containerEdits:\n      env: [FPGA=b-run]\n");
        return new Context(TestSupport.fakeDevices(), List.of(etc, run));
    }

    @Test
    void annotationsRequestDevices() throws Exception {
        Map<String, Object> c = TestSupport.dockerConfig();
        c.put("annotations", TestSupport.json("{\"cdi.k8s.io/fpga\": \"vendor.com/fpga=a\"}"));
        assertTrue(CdiEdit.fromAnnotations().apply(c, ctx()));
        assertEquals("FPGA=a", TestSupport.at(c, "/process/env/2"));
        assertEquals("{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229,\"fileMode\":438}", Json.write(TestSupport.at(c, "/linux/devices/0")));
        assertEquals("{\"source\":\"/opt/fpga/lib\",\"type\":\"bind\",\"options\":[\"ro\",\"rbind\"],\"destination\":\"/usr/lib/fpga\"}", Json.write(TestSupport.at(c, "/mounts/10")));
        assertEquals("/opt/fpga/hook", TestSupport.at(c, "/hooks/createContainer/0/path"));
        assertTrue(Json.write(TestSupport.at(c, "/process/user/additionalGids")).endsWith(",44]"));
        String once = Json.write(c);
        assertFalse(CdiEdit.fromAnnotations().apply(c, ctx()), "applying twice changes nothing");
        assertEquals(once, Json.write(c));
    }

    @Test
    void laterDirectoryWinsAndSeveralDevicesInOneAnnotation() throws Exception {
        Map<String, Object> c = TestSupport.dockerConfig();
        c.put("annotations", TestSupport.json("{\"cdi.k8s.io/x\": \"vendor.com/fpga=b, vendor.com/fpga=a\"}"));
        CdiEdit.fromAnnotations().apply(c, ctx());
        assertEquals("[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"HOSTNAME=3f4e5d6c7b8a\",\"FPGA=a\"]",
                Json.write(TestSupport.at(c, "/process/env")), "FPGA forced to b-run, then to a");
    }

    @Test
    void noAnnotationsReadsNothing() {
        Context broken = new Context(TestSupport.fakeDevices(), List.of(dir.resolve("does-not-matter")));
        assertFalse(CdiEdit.fromAnnotations().apply(TestSupport.dockerConfig(), broken));
    }

    @Test
    void unknownDeviceAndBadNameAreErrors() throws Exception {
        Map<String, Object> c = TestSupport.dockerConfig();
        c.put("annotations", TestSupport.json("{\"cdi.k8s.io/x\": \"vendor.com/fpga=zz\"}"));
        Context ctx = ctx();
        assertEquals("annotations cdi.k8s.io/*: unknown CDI device vendor.com/fpga=zz (no spec in the CDI directories defines it)",
                assertThrows(JrunException.class, () -> CdiEdit.fromAnnotations().apply(c, ctx)).getMessage());
        c.put("annotations", TestSupport.json("{\"cdi.k8s.io/x\": \"fpga\"}"));
        assertEquals("annotations.cdi.k8s.io/x: \"fpga\" is not a CDI device name like vendor.com/class=device",
                assertThrows(JrunException.class, () -> CdiEdit.fromAnnotations().apply(c, ctx)).getMessage());
    }

    @Test
    void badSpecNamesFileLineColumn() throws Exception {
        Path d = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(d.resolve("x.yaml"), "cdiVersion: 0.6.0\nkind: fpga\ndevices: []\n");
        Map<String, Object> c = TestSupport.dockerConfig();
        c.put("annotations", TestSupport.json("{\"cdi.k8s.io/x\": \"vendor.com/fpga=a\"}"));
        assertEquals(d.resolve("x.yaml") + ":2:7: kind: expected vendor.com/class",
                assertThrows(JrunException.class, () -> CdiEdit.fromAnnotations().apply(c, new Context(TestSupport.fakeDevices(), List.of(d)))).getMessage());
    }
}
