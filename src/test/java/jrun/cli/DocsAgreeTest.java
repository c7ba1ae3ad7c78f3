package jrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The flags README's jrun synopsis and docs/docker.md's command list name are flags jrun's
 * command descriptions have (the parser reads the same ones), and runc's spellings come first.
 */
class DocsAgreeTest {
    static String doc(String name) throws Exception {
        return Files.readString(Path.of(System.getProperty("jrun.home", "."), name));
    }

    /** The text from the line starting with from up to the next line starting with to. */
    static String section(String text, String from, String to) {
        int a = text.indexOf("\n" + from);
        assertTrue(a >= 0, from);
        int b = text.indexOf("\n" + to, a + 1);
        return text.substring(a, b < 0 ? text.length() : b);
    }

    static TreeSet<String> jrunSpellings() {
        TreeSet<String> all = new TreeSet<>();
        List<String[]> specs = new ArrayList<>();
        specs.add(JrunMain.SPEC);
        for (String c : JrunMain.COMMANDS) specs.add(JrunMain.command(c).spec());
        for (String[] spec : specs)
            for (int i = Args.HEAD; i < spec.length; i += 3) all.addAll(List.of(spec[i].split(" ")));
        return all;
    }

    static List<String> flagsIn(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?<![\\w-])--?[a-z][a-z-]*[a-z]").matcher(text);
        while (m.find()) out.add(m.group());
        return out;
    }

    /** README's table of oci-interceptor's options names each flag of its description, and no other. */
    @Test
    void readmesInterceptorTableIsItsDescription() throws Exception {
        String table = section(doc("README.md"), "| option | meaning |", "\n");
        TreeSet<String> inTable = new TreeSet<>();
        for (String row : table.lines().filter(l -> l.startsWith("| `")).toList())
            inTable.addAll(flagsIn(row.substring(0, row.indexOf(" |", 2))));
        TreeSet<String> described = new TreeSet<>();
        String[] spec = jrun.interceptor.InterceptorArgs.SPEC;
        for (int i = Args.HEAD; i < spec.length; i += 3) described.add(Args.canonical(spec, i));
        assertEquals(described, inTable);
    }

    @Test
    void readmeAndDockerDocNameOnlyFlagsJrunHas() throws Exception {
        TreeSet<String> known = jrunSpellings();
        known.add("--oi-*"); // README's shorthand for the rule presets
        String readme = section(doc("README.md"), "## jrun", "```sh");
        String docker = section(doc("docs/docker.md"), "## Commands beyond", "## Rules in-process");
        List<String> named = flagsIn(readme + docker);
        assertTrue(named.containsAll(List.of("--keep", "--bundle", "--console-socket", "--cpu-share", "--resources")), named.toString());
        List<String> unknown = new ArrayList<>();
        for (String f : named) // one dash or two are the same, as in Go's flag package
            if (!known.contains(f) && !known.contains("-" + f) && !f.equals("--oi")) unknown.add(f);
        assertEquals(List.of(), unknown, "flags the docs name that jrun does not have");
        assertTrue(docker.contains("--cpu-share,"), "runc's spelling in the list");
    }
}
