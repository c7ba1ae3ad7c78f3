package jrun.linux.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Everything features advertises is accepted by the compiler (a feature list that lies is worse than none). */
class SeccompFeaturesTest {
    @Test
    void everyAdvertisedNameCompiles() {
        for (String action : SeccompFeatures.ACTIONS) {
            compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/l\",\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"" + action + "\"}]}");
        }
        for (String op : SeccompFeatures.OPERATORS) {
            compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\","
                    + "\"args\":[{\"index\":0,\"value\":1,\"op\":\"" + op + "\"}]}]}");
        }
        for (String flag : SeccompFeatures.FLAGS) {
            compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/l\",\"flags\":[\"" + flag + "\"],"
                    + "\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}");
        }
        for (String arch : SeccompFeatures.archs()) {
            SeccompProgram p = compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"" + arch + "\"],"
                    + "\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
            assertEquals(List.of(), p.warnings(), arch);
        }
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_RISCV64"), SeccompFeatures.archs());
    }

    @Test
    void supportedFlagsFollowTheKernelRelease() {
        assertEquals(SeccompFeatures.FLAGS, SeccompFeatures.supportedFlags("6.18.0-1-amd64"));
        assertEquals(List.of("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"),
                SeccompFeatures.supportedFlags("5.10.0"));
        assertEquals(List.of("SECCOMP_FILTER_FLAG_TSYNC"), SeccompFeatures.supportedFlags("4.9.337"));
        assertEquals(SeccompFeatures.FLAGS, SeccompFeatures.supportedFlags("weird"), "unknown: claim what is known");
    }

    static SeccompProgram compile(String json) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) jrun.spec.Json.parse(json);
        return SeccompCompiler.compile(m, "linux.seccomp", Arch.X86_64);
    }
}
