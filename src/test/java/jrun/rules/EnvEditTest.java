package jrun.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import jrun.JrunException;
import jrun.spec.ConfigTree;
import jrun.spec.Json;

class EnvEditTest {
    private static String apply(String config, EnvEdit edit, boolean expectChange) {
        Map<String, Object> c = ConfigTree.object(Json.parse(config), "");
        assertEquals(expectChange, edit.apply(c, jrun.rules.Context.host()));
        return Json.write(c);
    }

    @ParameterizedTest(name = "{0} {1}={2} on {3}")
    @CsvSource(delimiter = '|', value = {
        "DEFAULT | A | 1   | {\"process\":{\"env\":[\"B=2\"]}}          | {\"process\":{\"env\":[\"B=2\",\"A=1\"]}}       | true",
        "DEFAULT | A | 1   | {\"process\":{\"env\":[\"A=0\"]}}          | {\"process\":{\"env\":[\"A=0\"]}}               | false",
        "DEFAULT | A | 1   | {\"process\":{\"env\":[\"A=\"]}}           | {\"process\":{\"env\":[\"A=\"]}}                | false",
        "DEFAULT | A | 1   | {\"process\":{\"args\":[\"sh\"]}}          | {\"process\":{\"args\":[\"sh\"],\"env\":[\"A=1\"]}} | true",
        "DEFAULT | A | 1   | {\"process\":{\"env\":null}}               | {\"process\":{\"env\":[\"A=1\"]}}               | true",
        "DEFAULT | A | 1   | {}                                         | {\"process\":{\"env\":[\"A=1\"]}}               | true",
        "FORCE   | A | x=y | {\"process\":{\"env\":[\"A=0\",\"A=9\"]}}  | {\"process\":{\"env\":[\"A=x=y\",\"A=9\"]}}    | true",
        "FORCE   | A | 0   | {\"process\":{\"env\":[\"A=0\"]}}          | {\"process\":{\"env\":[\"A=0\"]}}               | false",
        "FORCE   | AB | v  | {\"process\":{\"env\":[\"A=0\"]}}          | {\"process\":{\"env\":[\"A=0\",\"AB=v\"]}}      | true",
        "REMOVE  | A | ''  | {\"process\":{\"env\":[\"A=0\",\"B=1\",\"A\"]}} | {\"process\":{\"env\":[\"B=1\"]}}           | true",
        "REMOVE  | A | ''  | {\"process\":{\"env\":[\"AB=0\"]}}         | {\"process\":{\"env\":[\"AB=0\"]}}              | false",
    })
    void edits(EnvEdit.Mode mode, String name, String value, String before, String after, boolean changed) {
        assertEquals(after, apply(before, new EnvEdit(mode, name, value), changed));
    }

    @Test
    void emptyValueAndParse() {
        assertEquals(new EnvEdit(EnvEdit.Mode.FORCE, "A", ""), EnvEdit.parse(EnvEdit.Mode.FORCE, "A=", "--oi-env-force"));
        assertEquals(new EnvEdit(EnvEdit.Mode.FORCE, "A", "b=c"), EnvEdit.parse(EnvEdit.Mode.FORCE, "A=b=c", "--oi-env-force"));
        JrunException e = assertThrows(JrunException.class, () -> EnvEdit.parse(EnvEdit.Mode.DEFAULT, "A", "--oi-env"));
        assertEquals("--oi-env A: expected NAME=VALUE", e.getMessage());
    }

    @Test
    void nonStringEntryNamesThePath() {
        JrunException e = assertThrows(JrunException.class,
                () -> apply("{\"process\":{\"env\":[\"A=1\",false]}}", new EnvEdit(EnvEdit.Mode.DEFAULT, "B", "1"), true));
        assertEquals("process.env[1]: expected a string, found a boolean", e.getMessage());
    }
}
