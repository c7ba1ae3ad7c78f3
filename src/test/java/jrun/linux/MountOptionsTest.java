package jrun.linux;

import static jrun.linux.MountFlags.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import jrun.JrunException;

class MountOptionsTest {
    @Test
    void flagsPropagationRecursiveAndData() {
        MountOptions o = MountOptions.parse(List.of("rbind", "ro", "nosuid", "rslave", "private", "rro", "rnosuid", "size=64k", "mode=755"), "m");
        assertEquals(MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID, o.flags());
        assertEquals(List.of(MS_SLAVE | MS_REC, MS_PRIVATE), o.propagation());
        assertEquals(ATTR_RDONLY | ATTR_NOSUID, o.recursiveSet());
        assertEquals("size=64k,mode=755", o.data());
    }

    @Test
    void laterOptionsWin() {
        assertEquals(0, MountOptions.parse(List.of("ro", "rw"), "m").flags() & MS_RDONLY);
        assertEquals(MS_NOEXEC, MountOptions.parse(List.of("exec", "noexec"), "m").flags());
        MountOptions r = MountOptions.parse(List.of("rro", "rrw"), "m");
        assertEquals(0, r.recursiveSet());
        assertEquals(ATTR_RDONLY, r.recursiveClear());
    }

    @Test
    void recursiveAtimeIsChangedAsAWhole() {
        MountOptions o = MountOptions.parse(List.of("rnoatime"), "m");
        assertEquals(ATTR_NOATIME, o.recursiveSet());
        assertEquals(ATTR__ATIME, o.recursiveClear());
        MountOptions a = MountOptions.parse(List.of("rnoatime", "ratime"), "m");
        assertEquals(ATTR_RELATIME, a.recursiveSet());
        assertEquals(ATTR__ATIME, a.recursiveClear());
    }

    @Test
    void bindAttributesForTheRemount() {
        assertArrayEquals(new long[] {ATTR_RDONLY | ATTR_NODEV, 0}, MountOptions.parse(List.of("bind", "ro", "nodev"), "m").bindAttributes());
        assertArrayEquals(new long[] {ATTR_NOATIME, ATTR__ATIME}, MountOptions.parse(List.of("bind", "noatime"), "m").bindAttributes());
    }

    @Test
    void refusesWhatIsNotImplemented() {
        JrunException e = assertThrows(JrunException.class, () -> MountOptions.parse(List.of("tmpcopyup"), "mounts[3].options"));
        assertEquals("mounts[3].options: option \"tmpcopyup\" is not supported by jrun yet", e.getMessage());
    }
}
