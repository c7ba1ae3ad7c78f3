import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.MappingStartEvent;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.events.SequenceStartEvent;

import jrun.JrunException;
import jrun.rules.SourceMap;
import jrun.rules.YamlReader;
import jrun.spec.Json;
import jrun.spec.JsonNumber;

/**
 * Run by bench/yaml-bench.sh: jrun's hand-written YAML reader against SnakeYAML Engine on one rule file.
 * Modes: "hand" (jrun.rules.YamlReader, as RuleFile calls it), "snake" (SnakeYAML Engine's event parser
 * turned into the tree jrun's rules read: LinkedHashMap, ArrayList, String, JsonNumber, Boolean, null, with
 * positions for a SourceMap, anchors, aliases, tags and duplicate keys refused, plain scalars resolved as
 * YamlReader does: what a switch behind the same interface would run), "load" (the library's own
 * Load.loadFromString into its default Java objects, a lower bound), "none" (reads the file only).
 *   YamlParse MODE FILE              one parse in this (fresh) JVM; prints "ms"
 *   YamlParse warm MODE FILE N       N parses after a warm-up of N; prints the median and p90 in us
 *   YamlParse same FILE...           checks that hand and snake give the same tree for each file
 *   YamlParse train FILE             every mode a few times (for the AOT cache)
 */
public final class YamlParse {
    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "warm" -> warm(args[1], Files.readString(Path.of(args[2])), Integer.parseInt(args[3]));
            case "same" -> {
                for (int i = 1; i < args.length; i++) {
                    String t = Files.readString(Path.of(args[i]));
                    String a = Json.write(parse("hand", t)), b = Json.write(parse("snake", t));
                    if (!a.equals(b)) throw new AssertionError(args[i] + ": the trees differ\n" + a + "\n" + b);
                }
                System.out.println("same trees: " + (args.length - 1) + " files");
            }
            case "train" -> {
                String t = Files.readString(Path.of(args[1]));
                for (int i = 0; i < 20; i++) for (String m : List.of("hand", "snake", "load")) parse(m, t);
            }
            default -> {
                String t = Files.readString(Path.of(args[1]));
                long t0 = System.nanoTime();
                Object r = parse(args[0], t);
                long t1 = System.nanoTime();
                if (r == null && !args[0].equals("none")) throw new AssertionError("nothing parsed");
                System.out.printf("%.3f%n", (t1 - t0) / 1e6);
            }
        }
    }

    static Object parse(String mode, String text) {
        return switch (mode) {
            case "hand" -> YamlReader.parse(text, SourceMap.lazy("f.yaml", text, again -> YamlReader.parse(text, again)));
            case "snake" -> new Snake(text, SourceMap.lazy("f.yaml", text, again -> new Snake(text, again).document())).document();
            case "load" -> new Load(Snake.SETTINGS).loadFromString(text);
            case "none" -> null;
            default -> throw new IllegalArgumentException(mode);
        };
    }

    private static void warm(String mode, String text, int n) {
        for (int i = 0; i < n; i++) parse(mode, text);
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            parse(mode, text);
            t[i] = System.nanoTime() - t0;
        }
        Arrays.sort(t);
        System.out.printf("%.1f %.1f%n", t[n / 2] / 1e3, t[n * 9 / 10] / 1e3);
    }

    /** SnakeYAML Engine's events into jrun's rule tree. */
    static final class Snake {
        static final LoadSettings SETTINGS = LoadSettings.builder().setAllowDuplicateKeys(true).build();
        private final SourceMap src;
        private final Iterator<Event> events;

        Snake(String text, SourceMap src) {
            this.src = src;
            this.events = new Parse(SETTINGS).parseString(text).iterator();
        }

        Object document() {
            Event e = events.next(); // StreamStart
            e = events.next();
            if (e.getEventId() == Event.ID.StreamEnd) return null;
            Event first = events.next(); // after DocumentStart
            Object root = node(first);
            src.at(null, null, root, at(first));
            events.next(); // DocumentEnd
            Event end = events.next();
            if (end.getEventId() != Event.ID.StreamEnd) throw err(end, "several documents (a rule file is one)");
            if (src != null) src.root(root);
            return root;
        }

        private Object node(Event e) {
            if (e.getEventId() == Event.ID.Alias) throw err(e, "aliases are not supported");
            if (((NodeEvent) e).getAnchor().isPresent()) throw err(e, "anchors are not supported");
            switch (e.getEventId()) {
                case Scalar -> {
                    ScalarEvent s = (ScalarEvent) e;
                    if (s.getTag().isPresent() && !s.getImplicit().canOmitTagInPlainScalar() && !s.getImplicit().canOmitTagInNonPlainScalar())
                        throw err(e, "tags are not supported");
                    if (!s.isPlain()) return s.getValue();
                    if (e.getStartMark().get().getLine() != e.getEndMark().get().getLine())
                        throw err(e, "a plain value on several lines (quote it)");
                    return resolve(s.getValue(), e);
                }
                case SequenceStart -> {
                    if (((SequenceStartEvent) e).getTag().isPresent() && !((SequenceStartEvent) e).isImplicit()) throw err(e, "tags are not supported");
                    List<Object> list = new ArrayList<>();
                    for (Event x = events.next(); x.getEventId() != Event.ID.SequenceEnd; x = events.next()) {
                        Object v = node(x);
                        list.add(v);
                        src.at(list, list.size() - 1, v, at(x));
                    }
                    return list;
                }
                case MappingStart -> {
                    if (((MappingStartEvent) e).getTag().isPresent() && !((MappingStartEvent) e).isImplicit()) throw err(e, "tags are not supported");
                    Map<String, Object> map = new LinkedHashMap<>();
                    for (Event k = events.next(); k.getEventId() != Event.ID.MappingEnd; k = events.next()) {
                        if (k.getEventId() != Event.ID.Scalar) throw err(k, "complex keys are not supported");
                        String key = ((ScalarEvent) k).getValue();
                        if (map.containsKey(key)) throw err(k, "duplicate key " + key);
                        Event ve = events.next();
                        Object v = node(ve);
                        map.put(key, v);
                        src.at(map, key, v, at(ve));
                    }
                    return map;
                }
                default -> throw err(e, "unexpected " + e.getEventId());
            }
        }

        private Object resolve(String s, Event e) {
            switch (s) {
                case "", "~", "null", "Null", "NULL" -> {
                    return null;
                }
                case "true", "True", "TRUE" -> {
                    return Boolean.TRUE;
                }
                case "false", "False", "FALSE" -> {
                    return Boolean.FALSE;
                }
                default -> { }
            }
            char f = s.charAt(0);
            if (f == '-' || f == '+' || f == '.' || (f >= '0' && f <= '9')) {
                if (NUMBER.matcher(s).matches()) return new JsonNumber(s);
                if (s.matches("0o[0-7]+")) return new JsonNumber(new java.math.BigInteger(s.substring(2), 8).toString());
                if (s.matches("0x[0-9a-fA-F]+")) return new JsonNumber(new java.math.BigInteger(s.substring(2), 16).toString());
                if (s.matches("-?0[0-9]+")) throw err(e, "ambiguous number " + s);
            }
            return s;
        }

        private static int at(Event e) {
            return e.getStartMark().map(m -> m.getIndex()).orElse(0);
        }

        private JrunException err(Event e, String message) {
            return new JrunException(src.where(at(e)) + ": " + message);
        }
    }

}
