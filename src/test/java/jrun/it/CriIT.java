package jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.grpc.StatusRuntimeException;
import jrun.cri.Capability;
import jrun.cri.ContainerConfig;
import jrun.cri.ContainerMetadata;
import jrun.cri.ContainerState;
import jrun.cri.ContainerStatus;
import jrun.cri.ContainerStatusRequest;
import jrun.cri.CreateContainerRequest;
import jrun.cri.ExecSyncRequest;
import jrun.cri.ExecSyncResponse;
import jrun.cri.ImageSpec;
import jrun.cri.KeyValue;
import jrun.cri.LinuxContainerConfig;
import jrun.cri.LinuxContainerSecurityContext;
import jrun.cri.LinuxPodSandboxConfig;
import jrun.cri.LinuxSandboxSecurityContext;
import jrun.cri.NamespaceMode;
import jrun.cri.NamespaceOption;
import jrun.cri.PodSandboxConfig;
import jrun.cri.PodSandboxMetadata;
import jrun.cri.PodSandboxStatusRequest;
import jrun.cri.RemoveContainerRequest;
import jrun.cri.RemovePodSandboxRequest;
import jrun.cri.RunPodSandboxRequest;
import jrun.cri.RuntimeServiceGrpc;
import jrun.cri.SecurityProfile;
import jrun.cri.StartContainerRequest;
import jrun.cri.StopContainerRequest;
import jrun.cri.StopPodSandboxRequest;
import jrun.testing.Busybox;
import jrun.testing.Cmd;
import jrun.testing.CriContainerd;
import jrun.testing.Home;
import jrun.testing.Sandbox;

/**
 * jrun as a Kubernetes RuntimeClass handler: a private containerd whose CRI plugin registers
 * {@code jrun} (containerd-shim-runc-v2 with BinaryName = bin/jrun) beside {@code runc}, driven
 * through the CRI gRPC API the way kubelet drives it. The same pod runs under each handler, and
 * what its containers see (namespaces shared with the sandbox's pause process, cgroup parent,
 * capabilities, seccomp, /dev/shm), their exit codes, ExecSync's output and their CRI log files
 * must be the same; the same again with a handler whose jrun calls go to a resident engine
 * (docs/engine.md), which must have served some. Another handler runs jrun behind oci-interceptor
 * with rules keyed on a pod annotation: one denies a container (StartContainer fails with the
 * rule's message), one edits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CriIT {
    static final String IMAGE = "jrun.test/criit/busybox:1";
    /** A pause-like sandbox process: pid 1 of the pod's pid namespace, waits, reaps, ends on TERM. */
    static final List<String> PAUSE = List.of("/bin/sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait; done");
    static final String DENY = "pods annotated jrun.test/policy=locked may not run container denied";

    Sandbox sb;
    CriContainerd containerd;
    List<CriContainerd.Handler> handlers;
    RuntimeServiceGrpc.RuntimeServiceBlockingStub cri;
    Path engineSocket;
    final String unique = "jrun-criit-" + ProcessHandle.current().pid();

    @BeforeAll
    void start() throws IOException {
        assertTrue(Sandbox.isRoot(), "integration tests run as root (CI does)");
        sb = new Sandbox("jrun-cri-it");
        Path rules = Files.writeString(sb.dir.resolve("rules.yaml"), """
                version: 1
                rules:
                  - name: locked-pods
                    when:
                      annotations:
                        "jrun\\\\.test/policy": locked
                        "io\\\\.kubernetes\\\\.cri\\\\.container-name": denied
                    deny: %s
                  - name: mark-edited
                    when:
                      annotations:
                        "jrun\\\\.test/policy": locked
                        "io\\\\.kubernetes\\\\.cri\\\\.container-name": edited
                    edits:
                      - env: {force: {EDITED_BY: oci-interceptor}}
                """.formatted(DENY));
        // the shim runs BinaryName with the runtime's arguments only: a wrapper adds ours
        Path wrapper = sb.dir.resolve("jrun-rules");
        Files.writeString(wrapper, """
                #!/bin/sh
                exec %s --oi-no-default-rules --oi-rules %s --oi-runtime-path %s "$@"
                """.formatted(Home.bin("oci-interceptor"), rules, Home.bin("jrun")));
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        // jrun with a resident engine of its own (docs/engine.md): the shim's calls reach it through
        // the socket the wrapper names, as a node's engine service would serve them
        engineSocket = sb.dir.resolve("engine/engine.sock");
        Path engineWrapper = sb.dir.resolve("jrun-engine");
        Files.writeString(engineWrapper, """
                #!/bin/sh
                JRUN_ENGINE_SOCKET=%s exec %s "$@"
                """.formatted(engineSocket, Home.bin("jrun")));
        Files.setPosixFilePermissions(engineWrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Cmd.Result started = engine("engine", "start");
        assertEquals(0, started.exit(), "jrun engine start: " + started);
        handlers = List.of(new CriContainerd.Handler("runc", "/usr/sbin/runc"), new CriContainerd.Handler("jrun", Home.bin("jrun")),
                new CriContainerd.Handler("jrun-rules", wrapper.toString()), new CriContainerd.Handler("jrun-engine", engineWrapper.toString()));
        containerd = new CriContainerd(sb.dir.resolve("containerd"), IMAGE, handlers, List.of("jrun.test/*"));
        cri = RuntimeServiceGrpc.newBlockingStub(containerd.channel);
        Path rootfs = Busybox.rootfs(Files.createDirectories(sb.dir.resolve("image")));
        containerd.importImage(rootfs, IMAGE, PAUSE);
    }

    @AfterAll
    void stop() throws IOException {
        try {
            if (containerd != null) {
                containerd.close();
                containerd.forceDeleteAll(handlers);
            }
        } finally {
            try {
                if (engineSocket != null) {
                    Map<String, String> st = engineStatus();
                    engine("engine", "stop");
                    if (st.containsKey("pid")) Cmd.run("kill", "-9", st.get("pid")); // if stop did not work
                }
            } finally {
                if (sb != null) sb.close();
                for (String rt : List.of("runc", "jrun", "jrun-rules", "jrun-engine")) Sandbox.removeCgroups("/" + unique + "-" + rt);
            }
        }
    }

    /** bin/jrun with this class's engine socket. */
    Cmd.Result engine(String... args) {
        return Cmd.run(Cmd.concat(List.of(Home.bin("jrun")), args), null, Map.of("JRUN_ENGINE_SOCKET", engineSocket.toString()), 60);
    }

    /** `jrun engine status` as fields (requests, fallbacks, pid ...), asked cold so that no count moves. */
    Map<String, String> engineStatus() {
        Cmd.Result r = Cmd.run(List.of(Home.bin("jrun"), "engine", "status"), null,
                Map.of("JRUN_ENGINE_SOCKET", engineSocket.toString(), "JRUN_ENGINE", "off"), 60);
        Map<String, String> m = new LinkedHashMap<>();
        if (r.exit() != 0) return m;
        for (String line : r.out().split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0) m.put(line.substring(0, sp), line.substring(sp + 1).strip());
        }
        return m;
    }

    RuntimeServiceGrpc.RuntimeServiceBlockingStub cri() {
        return cri.withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    PodSandboxConfig pod(String rt, Map<String, String> annotations) throws IOException {
        NamespaceOption ns = NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE).setPid(NamespaceMode.POD).setIpc(NamespaceMode.POD).build();
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("pod-" + rt).setNamespace("default").setUid(unique + "-" + rt))
                .setLogDirectory(Files.createDirectories(sb.dir.resolve("logs").resolve(rt)).toString())
                .putAllAnnotations(annotations)
                .setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("/" + unique + "-" + rt)
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(ns)
                                .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.RuntimeDefault))))
                .build();
    }

    ContainerConfig container(String name, String script, String... env) {
        NamespaceOption ns = NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE).setPid(NamespaceMode.POD).setIpc(NamespaceMode.POD).build();
        ContainerConfig.Builder c = ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(IMAGE)).addAllCommand(List.of("/bin/sh", "-c", script))
                .setLogPath(name + ".log")
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                        .setNamespaceOptions(ns)
                        .setCapabilities(Capability.newBuilder().addAddCapabilities("SYS_PTRACE").addDropCapabilities("CHOWN"))
                        .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.RuntimeDefault))));
        for (int i = 0; i + 1 < env.length; i += 2) c.addEnvs(KeyValue.newBuilder().setKey(env[i]).setValue(env[i + 1]));
        return c.build();
    }

    /** What a container sees, printed by its init to the CRI log, then it waits. */
    static final String PROBE = """
            for ns in pid ipc uts net mnt cgroup; do
              if [ "$(readlink /proc/1/ns/$ns)" = "$(readlink /proc/self/ns/$ns)" ]; then echo "ns $ns: the sandbox's"; else echo "ns $ns: own"; fi
            done
            echo "pid 1: $(tr '\\0' ' ' < /proc/1/cmdline)"
            grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status
            grep -E ':(memory|pids|devices|cpu,cpuacct):' /proc/self/cgroup | sort
            awk '$2 == "/dev/shm" {print "shm:", $1, $3}' /proc/mounts
            echo "env: $PROBE_ENV"
            echo to-stderr >&2
            exec sleep 1000
            """;

    ContainerStatus status(String id) {
        return cri().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
    }

    ContainerStatus waitExited(String id) throws InterruptedException {
        ContainerStatus s = status(id);
        for (int i = 0; i < 300 && s.getState() != ContainerState.CONTAINER_EXITED; i++) {
            Thread.sleep(100);
            s = status(id);
        }
        assertEquals(ContainerState.CONTAINER_EXITED, s.getState(), s.toString());
        return s;
    }

    static final Pattern LOG_LINE = Pattern.compile("\\S+ (stdout|stderr) ([FP]) (.*)");

    /** A CRI log file (TIMESTAMP STREAM F|P TEXT per line) without its timestamps, sorted (the two streams interleave freely). */
    static List<String> logLines(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m = LOG_LINE.matcher(line);
            assertTrue(m.matches(), file + ": " + line);
            out.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
        }
        out.sort(null);
        return out;
    }

    /** One pod's lifecycle under a handler: what every step returned and what the containers saw. */
    Map<String, Object> scenario(String rt) throws Exception {
        Map<String, Object> seen = new LinkedHashMap<>();
        PodSandboxConfig pod = pod(rt, Map.of("jrun.test/scenario", "compare"));
        String podId = cri().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).setRuntimeHandler(rt).build()).getPodSandboxId();
        try {
            seen.put("sandbox handler", cri().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build())
                    .getStatus().getRuntimeHandler());
            // the sandbox ran under this handler's binary: its state is under that runtime's --root
            assertTrue(Files.isDirectory(containerd.runtimeRoot(rt).resolve("k8s.io").resolve(podId)), rt + ": sandbox state under its runtime's root");

            String main = cri().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                    .setConfig(container("main", PROBE, "PROBE_ENV", "from-cri")).setSandboxConfig(pod).build()).getContainerId();
            cri().startContainer(StartContainerRequest.newBuilder().setContainerId(main).build());
            seen.put("main state", status(main).getState());
            Path mainLog = Path.of(pod.getLogDirectory(), "main.log");
            for (int i = 0; i < 400 && !(Files.exists(mainLog) && Files.readString(mainLog).contains("to-stderr")
                    && Files.readString(mainLog).contains("env:")); i++) Thread.sleep(50);

            ExecSyncResponse ex = cri().execSync(ExecSyncRequest.newBuilder().setContainerId(main).setTimeout(60)
                    .addAllCmd(List.of("/bin/sh", "-c", "echo shared-by-main > /dev/shm/from-main; echo exec-out; echo exec-err >&2; grep -E '^(CapEff|Seccomp):' /proc/self/status; "
                            + "[ \"$(readlink /proc/1/ns/pid)\" = \"$(readlink /proc/self/ns/pid)\" ] && echo exec in the pod pid ns; exit 5"))
                    .build());
            seen.put("exec", List.of(ex.getExitCode(), ex.getStdout().toString(StandardCharsets.UTF_8), ex.getStderr().toString(StandardCharsets.UTF_8)));

            // a container whose init exits on its own: its exit code, then the shim's `kill --all` after it
            String quits = cri().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                    .setConfig(container("quits", "cat /dev/shm/from-main; echo bye; exit 3")).setSandboxConfig(pod).build()).getContainerId();
            cri().startContainer(StartContainerRequest.newBuilder().setContainerId(quits).build());
            ContainerStatus q = waitExited(quits);
            seen.put("quits", List.of(q.getExitCode(), q.getReason()));
            seen.put("quits log", logLines(Path.of(pod.getLogDirectory(), "quits.log")));
            // StopContainer of a stopped container is a no-op that must not fail (kubelet repeats it)
            cri().stopContainer(StopContainerRequest.newBuilder().setContainerId(quits).setTimeout(2).build());

            cri().stopContainer(StopContainerRequest.newBuilder().setContainerId(main).setTimeout(5).build());
            ContainerStatus m = waitExited(main);
            seen.put("main stopped", List.of(m.getExitCode(), m.getReason()));
            seen.put("main log", logLines(mainLog).stream().map(l -> l.replace(main, "ID").replace(unique + "-" + rt, "PARENT")).toList());

            cri().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(quits).build());
            cri().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(main).build());
            assertFalse(Files.exists(containerd.runtimeRoot(rt).resolve("k8s.io").resolve(main)), rt + ": the container's runtime state is gone");
        } finally {
            cri().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            cri().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        }
        assertFalse(Files.exists(containerd.runtimeRoot(rt).resolve("k8s.io").resolve(podId)), rt + ": the sandbox's runtime state is gone");
        return seen;
    }

    @Test
    void aPodRunsUnderJrunAsUnderRunc() throws Exception {
        Map<String, Object> runc = scenario("runc");
        Map<String, Object> jrun = scenario("jrun");
        long served = Long.parseLong(engineStatus().getOrDefault("requests", "-1"));
        Map<String, Object> warm = scenario("jrun-engine");
        long servedAfter = Long.parseLong(engineStatus().getOrDefault("requests", "-1"));
        System.out.println("runc: " + runc + "\njrun: " + jrun + "\njrun-engine: " + warm + "\nengine: " + engineStatus());
        assertTrue(servedAfter > served && served >= 0, "the engine served the shim's calls: " + served + " -> " + servedAfter);
        // the reference is what it should be, so the comparison is not of two broken runs
        assertEquals("runc", runc.get("sandbox handler"));
        assertEquals(List.of(3, "Error"), runc.get("quits"), runc.toString());
        // the pod's containers share the sandbox's /dev/shm: what main's exec wrote, quits read
        assertEquals(List.of("stdout F bye", "stdout F shared-by-main"), runc.get("quits log"), runc.toString());
        assertEquals(List.of(5, "exec-out\nCapEff:\t00000000a80c25fa\nSeccomp:\t2\nexec in the pod pid ns\n", "exec-err\n"),
                runc.get("exec"), runc.toString());
        @SuppressWarnings("unchecked")
        List<String> log = (List<String>) runc.get("main log");
        for (String want : List.of("stdout F ns pid: the sandbox's", "stdout F ns ipc: the sandbox's", "stdout F ns mnt: own",
                "stdout F Seccomp:\t2", "stdout F shm: shm tmpfs", "stdout F env: from-cri", "stderr F to-stderr"))
            assertTrue(log.contains(want), want + " in " + log);
        assertTrue(log.stream().anyMatch(l -> l.matches("stdout F \\d+:memory:/PARENT/ID")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("stdout F pid 1: /bin/sh -c trap")), log.toString());

        // after the init of a container in the pod's pid namespace exits, the shim runs `RUNTIME kill
        // --all ID 9` on the stopped container, and logs this when the runtime fails it
        assertFalse(containerd.log().contains("failed to kill init's children"), containerd.log());

        for (Map<String, Object> m : List.of(runc, jrun, warm)) m.put("sandbox handler", "RT");
        assertEquals(runc.toString(), jrun.toString());
        assertEquals(runc, jrun);
        assertEquals(runc.toString(), warm.toString(), "with the engine");
    }

    /** A RuntimeClass whose handler this containerd lacks: the pod is refused, naming it (docs/kubernetes.md). */
    @Test
    void anUnknownHandlerIsRefused() throws Exception {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> cri().runPodSandbox(
                RunPodSandboxRequest.newBuilder().setConfig(pod("nosuch", Map.of())).setRuntimeHandler("nosuch").build()));
        assertTrue(e.getStatus().getDescription().contains("no runtime for \"nosuch\" is configured"), e.getStatus().toString());
    }

    @Test
    void aRuleOnAPodAnnotationDeniesOrEditsAContainer() throws Exception {
        String rt = "jrun-rules";
        PodSandboxConfig pod = pod(rt, Map.of("jrun.test/policy", "locked"));
        String podId = cri().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).setRuntimeHandler(rt).build()).getPodSandboxId();
        try {
            String denied = cri().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                    .setConfig(container("denied", "echo ran")).setSandboxConfig(pod).build()).getContainerId();
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> cri().startContainer(StartContainerRequest.newBuilder().setContainerId(denied).build()));
            System.out.println("StartContainer of the denied container: " + e.getStatus());
            assertTrue(e.getStatus().getDescription().contains(DENY), e.getStatus().toString());
            assertFalse(Files.exists(Path.of(pod.getLogDirectory(), "denied.log")) && Files.readString(Path.of(pod.getLogDirectory(), "denied.log")).contains("ran"));
            cri().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(denied).build());

            String edited = cri().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                    .setConfig(container("edited", "echo \"EDITED_BY=$EDITED_BY\"; exec sleep 1000", "EDITED_BY", "kubelet")).setSandboxConfig(pod).build())
                    .getContainerId();
            cri().startContainer(StartContainerRequest.newBuilder().setContainerId(edited).build());
            Path log = Path.of(pod.getLogDirectory(), "edited.log");
            for (int i = 0; i < 200 && !(Files.exists(log) && Files.readString(log).contains("EDITED_BY")); i++) Thread.sleep(50);
            assertEquals(List.of("stdout F EDITED_BY=oci-interceptor"), logLines(log), "the rule's env.force replaced the pod spec's value");
            cri().stopContainer(StopContainerRequest.newBuilder().setContainerId(edited).setTimeout(2).build());
            cri().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(edited).build());
        } finally {
            cri().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            cri().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        }
    }
}
