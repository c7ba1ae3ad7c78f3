package jrun.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

import jrun.JrunException;

class ProcessTuningTest {
    static Fields f(String json) {
        return new Fields(Json.parse(json), "process.scheduler");
    }

    @Test
    void schedulerBecomesStructSchedAttr() {
        ProcessTuning.Scheduler s = ProcessTuning.scheduler(f(
                "{\"policy\":\"SCHED_DEADLINE\",\"flags\":[\"SCHED_FLAG_RESET_ON_FORK\",\"SCHED_FLAG_DL_OVERRUN\"],\"runtime\":10000000,\"deadline\":30000000,\"period\":30000000}"));
        ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(48).putInt(6).putLong(1 | 4).putInt(0).putInt(0).putLong(10_000_000).putLong(30_000_000).putLong(30_000_000);
        assertArrayEquals(b.array(), s.attr());
        ProcessTuning.Scheduler rr = ProcessTuning.scheduler(f("{\"policy\":\"SCHED_RR\",\"priority\":50,\"nice\":-3}"));
        assertEquals(new ProcessTuning.Scheduler(2, 0, -3, 50, 0, 0, 0), rr);
        assertEquals(-3, ByteBuffer.wrap(rr.attr()).order(ByteOrder.LITTLE_ENDIAN).getInt(16), "nice is signed");
        assertNull(ProcessTuning.scheduler(null));
    }

    @Test
    void badSchedulersNameTheirField() {
        for (String[] c : new String[][] {
                {"{\"policy\":\"SCHED_NONE\"}", "process.scheduler.policy: unknown policy \"SCHED_NONE\""},
                {"{\"policy\":\"SCHED_FIFO\"}", "process.scheduler.priority: SCHED_FIFO needs a priority of 1-99"},
                {"{\"policy\":\"SCHED_OTHER\",\"priority\":3}", "process.scheduler.priority: only SCHED_FIFO and SCHED_RR take a priority"},
                {"{\"policy\":\"SCHED_OTHER\",\"nice\":20}", "process.scheduler.nice"},
                {"{\"policy\":\"SCHED_BATCH\",\"runtime\":5}", "process.scheduler.runtime: runtime, deadline and period are for SCHED_DEADLINE only"},
                {"{\"policy\":\"SCHED_OTHER\",\"flags\":[\"SCHED_FLAG_X\"]}", "process.scheduler.flags: unknown flag \"SCHED_FLAG_X\""}}) {
            JrunException e = assertThrows(JrunException.class, () -> ProcessTuning.scheduler(f(c[0])), c[0]);
            assertEquals(true, e.getMessage().startsWith(c[1]), e.getMessage());
        }
    }

    @Test
    void ioPriorityAndPersonality() {
        assertEquals(2 << 13 | 6, ProcessTuning.ioPriority(new Fields(Json.parse("{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":6}"), "process.ioPriority")));
        assertEquals(1 << 13, ProcessTuning.ioPriority(new Fields(Json.parse("{\"class\":\"IOPRIO_CLASS_RT\"}"), "process.ioPriority")));
        JrunException e = assertThrows(JrunException.class,
                () -> ProcessTuning.ioPriority(new Fields(Json.parse("{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":8}"), "process.ioPriority")));
        assertEquals(true, e.getMessage().startsWith("process.ioPriority.priority"), e.getMessage());
        assertEquals(8, ProcessTuning.personality(new Fields(Json.parse("{\"domain\":\"LINUX32\"}"), "linux.personality")));
        assertEquals(0, ProcessTuning.personality(new Fields(Json.parse("{\"domain\":\"LINUX\",\"flags\":[]}"), "linux.personality")));
        e = assertThrows(JrunException.class, () -> ProcessTuning.personality(new Fields(Json.parse("{\"domain\":\"SVR4\"}"), "linux.personality")));
        assertEquals("linux.personality.domain: unknown domain \"SVR4\" (LINUX or LINUX32)", e.getMessage());
    }

    @Test
    void cpuListsBecomeMasks() {
        byte[] m = ProcessTuning.cpuMask("0-3, 7,9-9", "p");
        assertEquals(128, m.length);
        assertEquals((byte) 0x8f, m[0]);
        assertEquals((byte) 0x02, m[1]);
        assertNull(ProcessTuning.cpuMask("", "p"));
        assertEquals(1, ProcessTuning.cpuMask("1023", "p")[127] >>> 7 & 1);
        for (String bad : new String[] {"a", "3-1", "1024", "1,,2", "-1"})
            assertThrows(JrunException.class, () -> ProcessTuning.cpuMask(bad, "process.execCPUAffinity.final"), bad);
        ProcessTuning.ExecAffinity a = ProcessTuning.execAffinity(new Fields(Json.parse("{\"final\":\"0\"}"), "process.execCPUAffinity"));
        assertNull(a.initial());
        assertEquals(1, a.fin()[0]);
        assertNull(ProcessTuning.execAffinity(new Fields(Json.parse("{}"), "process.execCPUAffinity")));
    }

    @Test
    void memoryPolicies() {
        ProcessTuning.MemoryPolicy m = ProcessTuning.memoryPolicy(new Fields(Json.parse(
                "{\"mode\":\"MPOL_INTERLEAVE\",\"nodes\":\"0-1\",\"flags\":[\"MPOL_F_STATIC_NODES\",\"MPOL_F_NUMA_BALANCING\"]}"), "linux.memoryPolicy"));
        assertEquals(3 | 1 << 15 | 1 << 13, m.modeAndFlags());
        assertEquals(3, m.nodes()[0]);
        assertNull(ProcessTuning.memoryPolicy(new Fields(Json.parse("{\"mode\":\"MPOL_LOCAL\"}"), "linux.memoryPolicy")).nodes());
        for (String[] c : new String[][] {
                {"{\"mode\":\"MPOL_BIND\"}", "linux.memoryPolicy.nodes: MPOL_BIND needs nodes"},
                {"{\"mode\":\"MPOL_DEFAULT\",\"nodes\":\"0\"}", "linux.memoryPolicy.nodes: MPOL_DEFAULT takes no nodes"},
                {"{\"mode\":\"MPOL_FOO\",\"nodes\":\"0\"}", "linux.memoryPolicy.mode: unknown mode \"MPOL_FOO\""},
                {"{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\",\"flags\":[\"MPOL_F_X\"]}", "linux.memoryPolicy.flags: unknown flag \"MPOL_F_X\""}}) {
            JrunException e = assertThrows(JrunException.class, () -> ProcessTuning.memoryPolicy(new Fields(Json.parse(c[0]), "linux.memoryPolicy")), c[0]);
            assertEquals(true, e.getMessage().startsWith(c[1]), e.getMessage());
        }
    }
}
