package jrun.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import jrun.cri.RuntimeServiceGrpc;
import jrun.cri.VersionRequest;

/**
 * A containerd of the test's own with its CRI plugin on, as a Kubernetes node runs it: root,
 * state, sockets, the opt directory, the CRI plugin's own files (under root and state), each
 * runtime's --root, the CNI directories and the stream server (127.0.0.1, a free port) are all
 * private, so the host's containerd (/run/containerd) is neither reached nor disturbed. Runtimes
 * are registered as kubelet's RuntimeClass handlers are: {@code runtime_type =
 * "io.containerd.runc.v2"} with {@code options.BinaryName}. Pods use the node's network (there is
 * no CNI here), and their images are imported from a docker-archive tarball the test builds.
 *
 * <p>close() stops containerd and ends the shims it started (their command line names its
 * socket), by pid; the owner then force-deletes what any runtime left and unmounts the directory
 * deepest first before removing it (Sandbox.close).
 */
public final class CriContainerd implements AutoCloseable {
    /** A runtime handler: its name (a RuntimeClass's handler) and the binary the shim runs (its state root is runtimeRoot(name)). */
    public record Handler(String name, String binary) {}

    private final Path dir;
    private final Process process;
    public final ManagedChannel channel;

    public CriContainerd(Path dir, String sandboxImage, List<Handler> handlers, List<String> podAnnotations) throws IOException {
        this.dir = Files.createDirectories(dir);
        StringBuilder runtimes = new StringBuilder();
        StringBuilder allowed = new StringBuilder();
        for (String a : podAnnotations) allowed.append(allowed.isEmpty() ? "" : ", ").append('"').append(a).append('"');
        for (Handler h : handlers) {
            runtimes.append("""
                        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.%1$s]
                          runtime_type = "io.containerd.runc.v2"
                          pod_annotations = [%4$s]
                          [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.%1$s.options]
                            BinaryName = "%2$s"
                            Root = "%3$s/runtime-root/%1$s"
                    """.formatted(h.name(), h.binary(), dir, allowed));
        }
        // restrict_oom_score_adj: the sandbox asks for oom_score_adj -998, and lowering it needs
        // CAP_SYS_RESOURCE, which this host's root lacks (the option is meant for a containerd in a
        // user namespace: no score below containerd's own).
        Files.writeString(dir.resolve("config.toml"), """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                [grpc]
                  address = "%1$s/containerd.sock"
                [ttrpc]
                  address = "%1$s/containerd.sock.ttrpc"
                [plugins."io.containerd.internal.v1.opt"]
                  path = "%1$s/opt"
                [plugins."io.containerd.runtime.v1.linux"]
                  runtime_root = "%1$s/runtime-v1"
                [plugins."io.containerd.grpc.v1.cri"]
                  sandbox_image = "%2$s"
                  stream_server_address = "127.0.0.1"
                  stream_server_port = "0"
                  restrict_oom_score_adj = true
                  disable_apparmor = true
                  [plugins."io.containerd.grpc.v1.cri".cni]
                    bin_dir = "%1$s/cni/bin"
                    conf_dir = "%1$s/cni/conf"
                  [plugins."io.containerd.grpc.v1.cri".containerd]
                    snapshotter = "overlayfs"
                    default_runtime_name = "%3$s"
                %4$s""".formatted(dir, sandboxImage, handlers.get(0).name(), runtimes));
        process = new ProcessBuilder("containerd", "--config", dir.resolve("config.toml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile()).start();
        channel = Grpc.newChannelBuilder("unix://" + socket(), InsecureChannelCredentials.create()).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
                        .version(VersionRequest.newBuilder().setVersion("v1").build());
                break;
            } catch (RuntimeException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    String log = log();
                    close();
                    throw new IOException("containerd's CRI did not answer (" + e.getMessage() + "):\n" + log);
                }
                DockerDaemon.sleep(200);
            }
        }
    }

    public Path socket() {
        return dir.resolve("containerd.sock");
    }

    /** The state root of a handler's runtime (the shim adds the namespace, k8s.io). */
    public Path runtimeRoot(String handler) {
        return dir.resolve("runtime-root").resolve(handler);
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("containerd.log"));
    }

    /** ctr in the CRI plugin's namespace, k8s.io, of this containerd. */
    public Cmd.Result ctr(String... args) {
        List<String> argv = new ArrayList<>(List.of("ctr", "-a", socket().toString(), "-n", "k8s.io"));
        argv.addAll(List.of(args));
        return Cmd.run(argv, dir, Map.of(), 120);
    }

    /**
     * Writes a docker-archive (what `docker save` writes) of one layer, the tree at rootfs, named
     * ref, with cmd as its command, and imports it (unpacked for the overlayfs snapshotter).
     */
    public void importImage(Path rootfs, String ref, List<String> cmd) throws IOException {
        Path work = Files.createDirectories(dir.resolve("image-" + Integer.toHexString(ref.hashCode())));
        Cmd.ok("tar", "--numeric-owner", "-C", rootfs.toString(), "-cf", work.resolve("layer.tar").toString(), ".");
        String diffId = "sha256:" + sha256(work.resolve("layer.tar"));
        StringBuilder c = new StringBuilder();
        for (String a : cmd) c.append(c.isEmpty() ? "" : ",").append(jrun.spec.Json.write(a, jrun.spec.Json.Style.COMPACT));
        Files.writeString(work.resolve("config.json"), """
                {"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],\
                "Cmd":[%s],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["%s"]}}""".formatted(c, diffId));
        Files.writeString(work.resolve("manifest.json"), """
                [{"Config":"config.json","RepoTags":["%s"],"Layers":["layer.tar"]}]""".formatted(ref));
        Path archive = dir.resolve(work.getFileName() + ".tar");
        Cmd.ok("tar", "-C", work.toString(), "-cf", archive.toString(), "manifest.json", "config.json", "layer.tar");
        Cmd.Result r = ctr("images", "import", archive.toString());
        if (r.exit() != 0) throw new IOException("ctr images import " + archive + ": " + r);
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0;) md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stops containerd and its shims. Containers the shims ran stay: the owner force-deletes them
     * with each runtime (forceDeleteAll) before removing the directory.
     */
    @Override
    public void close() {
        channel.shutdownNow();
        Containerd.stop(process, socket());
    }

    /** `BINARY --root ROOT delete --force ID` for every container left under each handler's root. */
    public void forceDeleteAll(List<Handler> handlers) throws IOException {
        for (Handler h : handlers) {
            Path root = runtimeRoot(h.name()).resolve("k8s.io");
            if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) continue;
            try (var ids = Files.list(root)) {
                for (Path id : ids.toList())
                    Cmd.run(h.binary(), "--root", root.toString(), "delete", "--force", id.getFileName().toString());
            }
        }
    }
}
