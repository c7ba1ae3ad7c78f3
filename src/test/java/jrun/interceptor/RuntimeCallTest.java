package jrun.interceptor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where the subcommand, bundle and ID are found in every argv shape callers send. */
class RuntimeCallTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        // argv                                                              | sub     | bundle | id   | intercepted
        "create --bundle /b id                                               | create  | /b     | id   | true",
        "create -b /b id                                                     | create  | /b     | id   | true",
        "create -bundle /b id                                                | create  | /b     | id   | true",
        "create --bundle=/b id                                               | create  | /b     | id   | true",
        "create -b=/b id                                                     | create  | /b     | id   | true",
        "create id                                                           | create  | NULL   | id   | true",
        "create id --bundle /b                                               | create  | /b     | id   | true",
        "--root /r --log /l --log-format json create --bundle /b --pid-file p id | create | /b  | id   | true",
        "--root=/r --log=/l create --console-socket /s -b /b id              | create  | /b     | id   | true",
        "-root /r -log /l create -b /b id                                    | create  | /b     | id   | true",
        "--debug --systemd-cgroup create -b /b id                            | create  | /b     | id   | true",
        "--rootless false --criu /c run -d --bundle /b id                    | run     | /b     | id   | true",
        "--log-format=json restore --image-path /i --bundle /b id           | restore | /b     | id   | true",
        "create --preserve-fds 2 --no-pivot --no-new-keyring -b /b id       | create  | /b     | id   | true",
        "create -b /b -- --weird-id                                          | create  | /b     | --weird-id | true",
        "-- create -b /b id                                                  | create  | /b     | id   | true",
        "--root /r state id                                                  | state   | NULL   | id   | false",
        "--root /r start id                                                  | start   | NULL   | id   | false",
        "exec --process /p --detach id                                       | exec    | NULL   | id   | false",
        "delete --force id                                                   | delete  | NULL   | id   | false",
        "kill id 9                                                           | kill    | NULL   | id   | false",
        "spec --bundle /b                                                    | spec    | /b     | NULL | false",
        "features                                                            | features| NULL   | NULL | false",
        "--root create state id                                              | state   | NULL   | id   | false",
        "--help                                                              | NULL    | NULL   | NULL | false",
    })
    void findsTheCall(String argv, String sub, String bundle, String id, boolean intercepted) {
        List<String> args = Arrays.asList(argv.trim().split("\\s+"));
        RuntimeCall c = RuntimeCall.parse(args);
        assertEquals(sub, c.subcommand());
        assertEquals(bundle, c.bundle());
        assertEquals(id, c.containerId());
        assertEquals(intercepted, c.intercepted());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "--root /r --log /l --log-format json create id | /l | true",
        "--log=/l --log-format=json delete id          | /l | true",
        "--log /l create id                            | /l | false",
        "--log-format json create id                   | NULL | false",
    })
    void findsTheLog(String argv, String log, boolean json) {
        RuntimeCall c = RuntimeCall.parse(Arrays.asList(argv.trim().split("\\s+")));
        assertEquals(log, c.logFile());
        assertEquals(json, c.jsonLog());
    }
}
