package jrun.runtime;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jrun.JrunException;
import jrun.linux.DirFd;

/**
 * The containers' state under --root: ROOT/ID/{state.json, exec.fifo, lock}. state.json is
 * replaced atomically; commands on one container are serialised by an fcntl lock on ROOT/ID/lock.
 * Private, in runc's modes: ROOT 0700 when jrun makes it, ROOT/ID 0711, its files 0600 at every
 * write (the rules-edited config copy holds process.env).
 */
public final class StateStore {
    private static final FileAttribute<Set<PosixFilePermission>> ROOT_MODE = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<Set<PosixFilePermission>> CONTAINER_MODE = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x"));
    private final Path root;

    public StateStore(Path root) {
        this.root = root;
    }

    /**
     * For tests only (docs/reliability.md): JRUN_TEST_STOP_AT=STEP makes jrun SIGKILL itself at
     * that step boundary of create, start, exec or delete, to check what a crash there leaves.
     * Read once, here because every command loads this class: the normal path pays one null check.
     */
    private static final String STOP_AT = System.getenv("JRUN_TEST_STOP_AT");

    /** Whether JRUN_TEST_STOP_AT names step (tests only: to set up what stopAt(step) is to interrupt). */
    public static boolean stopsAt(String step) {
        return STOP_AT != null && STOP_AT.equals(step);
    }

    /** Dies by SIGKILL if JRUN_TEST_STOP_AT names step (tests only). */
    public static void stopAt(String step) {
        if (STOP_AT == null || !STOP_AT.equals(step)) return;
        try { // a JVM cannot signal itself through ProcessHandle
            new ProcessBuilder("kill", "-KILL", Long.toString(ProcessHandle.current().pid())).start().waitFor();
            Thread.sleep(1000);
        } catch (IOException | InterruptedException ignored) {
            // halted next
        }
        Runtime.getRuntime().halt(137);
    }

    public Path root() {
        return root;
    }

    public Path dir(String id) {
        return root.resolve(ContainerId.validate(id));
    }

    public Path fifo(String id) {
        return dir(id).resolve("exec.fifo");
    }

    /** Held while a command works on one container; closing releases it. */
    public static final class Lock implements AutoCloseable {
        private final FileChannel channel; // null: fd holds it (PosixLock)
        private final FileLock lock;
        private int fd;

        Lock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
            this.fd = -1;
        }

        Lock(int fd) {
            this.channel = null;
            this.lock = null;
            this.fd = fd;
        }

        @Override
        public void close() {
            if (channel == null) {
                if (fd >= 0) jrun.linux.PosixLock.unlock(fd);
                fd = -1;
                return;
            }
            try {
                if (lock.isValid()) lock.release();
                channel.close();
            } catch (IOException ignored) {
                // the lock goes with the channel in any case
            }
        }
    }

    /** Makes ROOT/ID for a new container and locks it; an error if the ID is taken. */
    public Lock createAndLock(String id) {
        Path d = dir(id);
        try {
            // java.io.File first: NIO's createDirectories throws and catches two exceptions for a
            // root that exists, ~0.1 ms interpreted on the create's critical path; NIO names a failure.
            if (!root.toFile().isDirectory()) Files.createDirectories(root, ROOT_MODE);
            Files.createDirectory(d, CONTAINER_MODE);
        } catch (FileAlreadyExistsException e) {
            throw new JrunException("container with id " + id + " already exists");
        } catch (IOException e) {
            throw new JrunException(d + ": cannot create the state directory: " + e.getMessage(), e);
        }
        try {
            return lockDir(id, d);
        } catch (JrunException e) { // no lock file (a full /run): the directory just made would hold the id forever
            try {
                deleteTree(d);
            } catch (IOException ignored) {
                // this error says more
            }
            throw e;
        }
    }

    /** Locks an existing container; "does not exist" when there is none. */
    public Lock lock(String id) {
        Path d = dir(id);
        if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) throw notFound(id);
        return lockDir(id, d);
    }

    private Lock lockDir(String id, Path d) {
        try {
            if (jrun.linux.PosixLock.available()) return new Lock(jrun.linux.PosixLock.lock(d.resolve("lock")));
            FileChannel ch = FileChannel.open(d.resolve("lock"), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            return new Lock(ch, ch.lock());
        } catch (NoSuchFileException e) {
            throw notFound(id);
        } catch (IOException e) {
            throw new JrunException(d + "/lock: cannot lock: " + e.getMessage(), e);
        }
    }

    public static JrunException notFound(String id) {
        return new JrunException("container " + id + " does not exist");
    }

    public ContainerState load(String id) {
        Path f = dir(id).resolve("state.json");
        byte[] text;
        // A FileInputStream, not Files.readString: that opens a FileChannel, whose first use costs ~0.6 ms (see PosixLock).
        try (FileInputStream in = new FileInputStream(f.toFile())) {
            text = in.readAllBytes();
        } catch (java.io.FileNotFoundException e) { // missing, or not readable: NIO told them apart
            if (!f.toFile().exists()) throw notFound(id);
            throw new JrunException(f + ": cannot read: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new JrunException(f + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return ContainerState.fromJson(text);
        } catch (RuntimeException e) {
            throw new JrunException(f + ": corrupt state: " + e.getMessage(), e);
        }
    }

    /**
     * Replaces state.json by rename, so a reader sees the old or the new state, never half.
     * No fsync and no random temp name: the lock is held, and a power loss takes /run anyway.
     */
    public void save(ContainerState st) {
        writeAtomically(dir(st.id()).resolve("state.json"), st.toJson());
    }

    /**
     * A create's first record, before it makes any cgroup or process: state.json with status
     * creating, no pid and the cgroup directories it is about to make, so that a create killed from
     * here on leaves a container that state and list show and delete finds whole. Temp names are
     * random (DirFd), so the create's Draft on the other thread never collides with it.
     */
    public void claim(String id, String bundle, List<String> cgroupDirs) {
        ContainerState st = new ContainerState(id, Status.CREATING, 0, 0, bundle, "", UtcTime.now(), java.util.Map.of(), cgroupDirs, java.util.Map.of());
        writeAtomically(dir(id).resolve("state.json"), st.toJson());
    }

    /**
     * Writes a temp file beside target (".NAME.RANDOM.tmp", mode 0600: state is private), then
     * renames it over target, through target's directory opened once (jrun.linux.DirFd).
     */
    public static void writeAtomically(Path target, String content) {
        write(target, content, DirFd.open(target.getParent()), -1);
    }

    /** writeAtomically, mode 0644 as runc's, in a directory the caller chose (symlinks followed: /var/run is one): a --pid-file. */
    public static void writePidFile(Path target, String content) {
        write(target, content, DirFd.openFollowing(target.getParent()), 0644);
    }

    private static void write(Path target, String content, DirFd dir, int mode) {
        try (dir) {
            dir.replace(target.getFileName().toString(), content.getBytes(StandardCharsets.UTF_8), -1, -1, mode, false);
        } catch (IOException e) {
            throw new JrunException(target + ": cannot write: " + e.getMessage(), e);
        }
    }

    /**
     * A create's state.json, written in two parts: all but the init's pid and start time into
     * the temp file while the helper clones the init, then those and the rename (commit). Closed
     * without a commit, it leaves no temp file and the old state.json (if any) as it was.
     */
    public final class Draft implements AutoCloseable {
        private final Path target;
        private DirFd dir;
        private DirFd.Temp tmp;

        private Draft(ContainerState st) {
            target = dir(st.id()).resolve("state.json");
            dir = DirFd.open(target.getParent());
            try {
                tmp = dir.temp("state.json");
                tmp.write(st.toJsonHead().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                close();
                throw new JrunException(target + ": cannot write: " + e.getMessage(), e);
            }
        }

        /** Ends state.json with the init's pid and start time and puts it in place. */
        public void commit(long pid, long startTime) {
            try {
                tmp.write(ContainerState.toJsonTail(pid, startTime).getBytes(StandardCharsets.US_ASCII));
                tmp.commit(-1, -1, -1, false);
            } catch (IOException e) {
                throw new JrunException(target + ": cannot write: " + e.getMessage(), e);
            } finally {
                close();
            }
        }

        @Override
        public void close() {
            if (tmp != null) tmp.close(); // removes the temp file unless committed
            tmp = null;
            if (dir != null) dir.close();
            dir = null;
        }
    }

    /** A Draft of st's state.json; its pid and start time come at commit. */
    public Draft draft(ContainerState st) {
        return new Draft(st);
    }

    /**
     * Removes ROOT/ID. jrun keeps only its own files there; a dialect may keep more (run_oci's
     * mountpoints/ and links), so anything mounted below is unmounted first, deepest first, and
     * the delete never follows a symlink out.
     */
    public void remove(String id) {
        Path d = dir(id);
        if (!Files.exists(d, LinkOption.NOFOLLOW_LINKS)) return;
        unmountUnder(d);
        try {
            deleteTree(d);
        } catch (NoSuchFileException e) {
            if (Files.exists(d, LinkOption.NOFOLLOW_LINKS)) throw new JrunException(d + ": cannot remove the state directory: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new JrunException(d + ": cannot remove the state directory: " + e.getMessage(), e);
        }
    }

    /** Deletes p and, for a real directory (never a symlink's target), what is in it first. A plain loop: Files.walk's stream costs ~6 ms cold. */
    private static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                for (Path c : ds) deleteTree(c);
            }
        }
        Files.deleteIfExists(p);
    }

    /** umount -l of every mount at or below dir, deepest first (a JVM has no umount2; this is rare). */
    static void unmountUnder(Path dir) {
        List<String> points = new ArrayList<>();
        String prefix = dir + "/";
        for (String m : jrun.linux.MountInfo.mountpoints(ProcStat.read("/proc/self/mountinfo")))
            if (m.equals(dir.toString()) || m.startsWith(prefix)) points.add(m);
        // Deepest first. A plain insertion sort: a Comparator lambda's first bootstrap costs ~4 ms of every delete.
        for (int a = 1; a < points.size(); a++)
            for (int b = a; b > 0 && points.get(b).length() > points.get(b - 1).length(); b--) points.set(b - 1, points.set(b, points.get(b - 1)));
        for (String m : points) {
            try {
                Process p = new ProcessBuilder("umount", "-l", m).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor() != 0) throw new JrunException(m + ": cannot unmount (umount -l exited with " + p.exitValue() + "); not removing " + dir);
            } catch (IOException e) {
                throw new JrunException(m + ": cannot run umount: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new JrunException(m + ": interrupted while unmounting");
            }
        }
    }

    public List<String> ids() {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds)
                if (Files.isRegularFile(p.resolve("state.json"), LinkOption.NOFOLLOW_LINKS)) out.add(p.getFileName().toString());
        } catch (IOException e) {
            throw new JrunException(root + ": cannot list: " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    /** The container's status now: the stored one while its init lives, else stopped. */
    public static Status liveStatus(ContainerState st) {
        // A create's first record (claim): creating while anything is in its cgroups (a create in
        // progress, or the init of one that was killed), else stopped.
        if (st.pid() <= 0 && st.status() == Status.CREATING) return CgroupPlacement.pids(st.cgroupDirs()).isEmpty() ? Status.STOPPED : Status.CREATING;
        if (st.pid() <= 0 || !ProcStat.isAlive(st.pid(), st.startTime())) return Status.STOPPED;
        if (st.status() == Status.RUNNING && ContainerCgroups.frozen(st.cgroupDirs())) return Status.PAUSED;
        return st.status();
    }
}
