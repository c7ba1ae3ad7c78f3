package jrun.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import jrun.spec.Json;

/**
 * A seeded generator of hostile inputs from valid seeds: byte-level edits (flips, cuts, splices,
 * tokens a parser must handle) and tree-level ones on JSON (a node replaced by a value of another
 * type, a key removed or added, deep nesting, numbers at the edges). One Random, so a seed replays.
 */
final class Mutator {
    final Random random;
    private final List<String> keys = new ArrayList<>();

    Mutator(long seed) {
        random = new Random(seed);
    }

    static final String[] TOKENS = {"{", "}", "[", "]", "\"", ":", ",", "null", "true", "false", "-1", "0", "-0", "1e999", "-1e999",
        "1.5", "18446744073709551616", "9223372036854775808", "-9223372036854775809", "4294967296", "2147483648", "0x10", "0o777",
        "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\\", "\"\\x\"", "\u00ff", "\ud83d\ude00", "\t", "\n", "\r", " ", "#", "- ",
        "? ", ": ", "|", ">", "&a ", "*a", "!!binary ", "!tag ", "---", "...", "'", "''", "~", "%YAML 1.2\n", "<<: ", "{}", "[]",
        "\"/\"", "\"..\"", "\"/../../etc\"", "\"\"", "1_000", ".inf", ".nan", "0b101", "+1", "01"};

    /** Keys seen in the seeds, so tree edits hit the fields a reader looks at. */
    void learnKeys(Object tree) {
        if (tree instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!keys.contains(e.getKey().toString())) keys.add(e.getKey().toString());
                learnKeys(e.getValue());
            }
        } else if (tree instanceof List<?> l) {
            for (Object o : l) learnKeys(o);
        }
    }

    <T> T pick(List<T> l) {
        return l.get(random.nextInt(l.size()));
    }

    String token() {
        return TOKENS[random.nextInt(TOKENS.length)];
    }

    /** Text from text: one to four byte-level edits, sometimes a splice from another seed. */
    byte[] bytes(byte[] in, List<byte[]> others) {
        byte[] b = in;
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            int at = b.length == 0 ? 0 : random.nextInt(b.length + 1);
            switch (random.nextInt(7)) {
                case 0 -> { // flip a byte
                    if (b.length > 0) {
                        b = b.clone();
                        b[Math.min(at, b.length - 1)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1, 2 -> b = insert(b, at, token().getBytes(StandardCharsets.UTF_8));
                case 3 -> { // cut a range
                    int len = Math.min(b.length - at, 1 + random.nextInt(64));
                    if (len > 0) b = concat(java.util.Arrays.copyOfRange(b, 0, at), java.util.Arrays.copyOfRange(b, at + len, b.length));
                }
                case 4 -> { // repeat a range
                    int len = Math.min(b.length - at, 1 + random.nextInt(32));
                    if (len > 0) b = insert(b, at, java.util.Arrays.copyOfRange(b, at, at + len));
                }
                case 5 -> { // splice: our head, another's tail
                    byte[] o = others.get(random.nextInt(others.size()));
                    int from = o.length == 0 ? 0 : random.nextInt(o.length);
                    b = concat(java.util.Arrays.copyOfRange(b, 0, at), java.util.Arrays.copyOfRange(o, from, o.length));
                }
                default -> b = java.util.Arrays.copyOf(b, at); // truncate
            }
        }
        return b;
    }

    /** A tree from a tree: one to three nodes replaced, removed or added. The input is not changed. */
    Object tree(Object in) {
        Object t = copy(in);
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            List<Object> containers = new ArrayList<>();
            collect(t, containers);
            if (containers.isEmpty()) return value(3);
            Object c = pick(containers);
            if (c instanceof Map<?, ?> raw) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) raw;
                List<String> present = new ArrayList<>(m.keySet());
                int op = random.nextInt(4);
                if (op == 0 && !present.isEmpty()) m.remove(pick(present));
                else if (op == 1 || present.isEmpty()) m.put(keys.isEmpty() || random.nextInt(5) == 0 ? string() : pick(keys), value(3));
                else m.put(pick(present), value(3));
            } else {
                @SuppressWarnings("unchecked")
                List<Object> l = (List<Object>) c;
                int op = random.nextInt(3);
                if (op == 0 && !l.isEmpty()) l.remove(random.nextInt(l.size()));
                else if (op == 1 && !l.isEmpty()) l.set(random.nextInt(l.size()), value(3));
                else l.add(l.isEmpty() ? 0 : random.nextInt(l.size() + 1), value(3));
            }
        }
        return t;
    }

    /** A random JSON value, up to depth levels of containers. */
    Object value(int depth) {
        switch (random.nextInt(depth > 0 ? 9 : 6)) {
            case 0: return null;
            case 1: return random.nextBoolean();
            case 2: case 3: return Json.parse(pick(List.of("0", "-1", "1", "65535", "65536", "4294967295", "4294967296", "2147483647",
                    "-2147483648", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551615",
                    "1.5", "-0.0", "1e308", "1e-308", "1E400", "123456789012345678901234567890", String.valueOf(random.nextInt()))));
            case 4: case 5: return string();
            case 6: {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = random.nextInt(4); i > 0; i--) m.put(keys.isEmpty() || random.nextBoolean() ? string() : pick(keys), value(depth - 1));
                return m;
            }
            case 7: {
                List<Object> l = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) l.add(value(depth - 1));
                return l;
            }
            default: { // deep nesting
                Object v = value(0);
                for (int i = random.nextInt(1200); i > 0; i--) v = random.nextBoolean() ? new ArrayList<>(List.of(v)) : new LinkedHashMap<>(Map.of("a", v));
                return v;
            }
        }
    }

    String string() {
        return switch (random.nextInt(12)) {
            case 0 -> "";
            case 1 -> "x".repeat(random.nextInt(70000));
            case 2 -> pick(List.of("/", "..", "../../etc/passwd", "/proc/self/fd/0", "./a", "//", "/a/../..", "a\u0000b", "\ud800", "a=b", "=", "*", ".*", "(", "[", "\\"));
            case 3 -> pick(List.of("CAP_SYS_ADMIN", "SYS_ADMIN", "ALL", "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ARCH_X86_64", "RLIMIT_NOFILE",
                    "bind", "rbind", "ro", "rshared", "tmpfs", "proc", "pid", "network", "user", "mount", "cgroup", "time", "uts", "ipc"));
            case 4 -> keys.isEmpty() ? "k" : pick(keys);
            case 5 -> pick(List.of("c", "b", "u", "p", "a", "rwm", "r", "1-3", "0-", "-1", "1,2", "0x1f", "true", "null", "1k", "1g"));
            default -> {
                StringBuilder s = new StringBuilder();
                for (int i = random.nextInt(12); i > 0; i--) s.append((char) (random.nextInt(5) == 0 ? random.nextInt(0x3000) : 'a' + random.nextInt(26)));
                yield s.toString();
            }
        };
    }

    private static void collect(Object t, List<Object> into) {
        if (t instanceof Map<?, ?> m) {
            into.add(m);
            for (Object v : m.values()) collect(v, into);
        } else if (t instanceof List<?> l) {
            into.add(l);
            for (Object v : l) collect(v, into);
        }
    }

    static Object copy(Object t) {
        if (t instanceof Map<?, ?> m) {
            Map<String, Object> c = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) c.put(e.getKey().toString(), copy(e.getValue()));
            return c;
        }
        if (t instanceof List<?> l) {
            List<Object> c = new ArrayList<>();
            for (Object v : l) c.add(copy(v));
            return c;
        }
        return t;
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        return concat(concat(java.util.Arrays.copyOfRange(b, 0, at), what), java.util.Arrays.copyOfRange(b, at, b.length));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
