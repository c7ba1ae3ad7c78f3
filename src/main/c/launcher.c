/*
 * launcher.c: the front door of bin/oci-interceptor (and bin/jrun, bin/run_oci).
 * With a jrun engine running, oci-interceptor gets its plan from it instead of a JVM (engine_plan.c).
 *
 * Why C: Docker runs the runtime about five times per container, and most of
 * those calls (start, kill, delete, state, ps) are pure passthroughs for the
 * interceptor. A JVM start costs ~45 ms; runc's `state` costs ~5 ms. So the
 * launcher execs the real runtime itself when a call is certainly not one the
 * interceptor touches, and starts Java only otherwise. It holds no policy: the
 * only decision here is "certainly a passthrough", and any doubt goes to Java.
 *
 * The exchange with Java (interceptor mode):
 *
 *   launcher (pid P, holds every fd the caller gave)
 *     |-- fork --> child: close fds >= 4, plan pipe on fd 3, exec java
 *     |                      Java reads config.json, applies rules, writes
 *     |                      the rewritten file, then writes the plan:
 *     |<-- plan pipe: "JRUNPLAN1\0" <argc> "\0" path "\0" argv[0] "\0" ...
 *     |    child exits 0 (plan valid, or no plan: Java answered itself, we exit 0)
 *     |    or N (error already reported; we exit N)
 *     `-- execv(path, argv): the runtime runs as pid P, with every fd intact.
 *
 * In jrun mode (bin/jrun, bin/run_oci) the launcher execs the JVM, and for a command that
 * needs jrun-helper it first forks one, so the helper's start overlaps the JVM's instead of
 * following it (about 10 ms of every create):
 *
 *   launcher (pid J) --fork--> child: stdin = plan pipe, stdout = report pipe, fds >= 3
 *     |                        closed, empty env; exec jrun-helper (it waits for the plan)
 *     `-- exec java -Djrun.helper.prefork=W,R,PID: Java (still pid J, so still the helper's
 *         parent) sends the plan on W and reads reports from R (jrun.helper.HelperProcess).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sealed_copy.h"

#ifndef LAUNCHER_NAME
#define LAUNCHER_NAME "oci-interceptor"
#endif
#ifndef MAIN_CLASS
#define MAIN_CLASS "jrun.cli.InterceptorMain"
#endif
/* 1: fork Java, read a plan, exec it (interceptor). 0: exec Java directly. */
#ifndef PLAN_MODE
#define PLAN_MODE 1
#endif

#define PLAN_MAGIC "JRUNPLAN1"
#define PLAN_FD 3
#define PLAN_MAX (4 << 20)

static void die(const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", LAUNCHER_NAME, what, strerror(errno));
    exit(127);
}

/* lib dir = dirname(realpath(/proc/self/exe))/../lib/jrun, so symlinks to the launcher work. */
static void lib_dir(char *out, size_t n)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len < 0)
        die("readlink /proc/self/exe");
    exe[len] = 0;
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = 0;
    if (snprintf(out, n, "%s/../lib/jrun", exe) >= (int)n) {
        fprintf(stderr, "%s: install path too long\n", LAUNCHER_NAME);
        exit(127);
    }
}

/* ---- The caller's environment does not steer the JVM (docs/security.md) ---- */

/* What the java launcher and the JVM read from the environment: options, agents, a class path,
 * debug output on stdout. Dropped before the JVM starts; the runtime exec'd in plan mode keeps them. */
static int jvm_var(const char *e)
{
    static const char *names[] = {"JAVA_TOOL_OPTIONS=", "JDK_JAVA_OPTIONS=", "JDK_AOT_VM_OPTIONS=", "CLASSPATH=", "_JAVA_", NULL};
    for (const char **n = names; *n; n++)
        if (strncmp(e, *n, strlen(*n)) == 0)
            return 1;
    return 0;
}

/* The environment for the JVM: the caller's, less jvm_var's. */
static char **jvm_env(void)
{
    extern char **environ;
    size_t n = 0;
    while (environ && environ[n])
        n++;
    char **env = calloc(n + 1, sizeof *env);
    if (!env)
        die("calloc");
    for (size_t i = 0, k = 0; i < n; i++)
        if (!jvm_var(environ[i]))
            env[k++] = environ[i];
    return env;
}

/* JRUN_JAVA, a development override of the java binary: used only if the file, and every
 * directory above it once symlinks are resolved, belongs to root (or to the caller's euid) and is
 * writable by no one else (OpenSSH's safe-path rule), so an inherited variable cannot make root
 * run someone else's file. Anything else is refused with one line. */
static void override_java(const char *path, char *out, size_t n)
{
    char real[PATH_MAX];
    struct stat st;
    if (!realpath(path, real) || strlen(real) >= n) {
        fprintf(stderr, "%s: JRUN_JAVA=%s: %s\n", LAUNCHER_NAME, path, strerror(errno));
        exit(127);
    }
    snprintf(out, n, "%s", real); /* no symlink left in it, and every component checked below */
    for (size_t len = strlen(real);;) {
        real[len] = 0;
        const char *p = len ? real : "/";
        int file = p == real && strcmp(real, out) == 0;
        if (stat(p, &st) < 0 || (st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & (S_IWGRP | S_IWOTH)) ||
            (file && !S_ISREG(st.st_mode))) {
            fprintf(stderr, "%s: JRUN_JAVA=%s is not used: %s must belong to root and be writable by no one else\n",
                    LAUNCHER_NAME, path, p);
            exit(127);
        }
        if (!len)
            break;
        len = (size_t)(strrchr(real, '/') - real); /* an absolute path: there is a slash */
    }
}

/* Builds the java command line: java [flags] -cp jar MAIN args... */
static char **java_argv(const char *lib, int argc, char **argv, int first_arg)
{
    static char java[PATH_MAX], jar[PATH_MAX], aot[PATH_MAX + 16], plan[64], libprop[PATH_MAX + 16];
    const char *env_java = getenv("JRUN_JAVA");
    snprintf(java, sizeof java, "%s/java", lib);
    if (env_java && *env_java)
        override_java(env_java, java, sizeof java);
    snprintf(jar, sizeof jar, "%s/jrun.jar", lib);
    snprintf(plan, sizeof plan, "-Djrun.plan.fd=%d", PLAN_MODE ? PLAN_FD : -1);
    snprintf(libprop, sizeof libprop, "-Djrun.lib=%s", lib); /* where libjrun.so is (jrun.linux.PosixLock) */

    char **v = calloc((size_t)argc + 32, sizeof *v); /* room for engine_jvm_flags' extra flags */
    if (!v)
        die("calloc");
    int k = 0;
    v[k++] = java;
    static char cache[PATH_MAX];
    snprintf(cache, sizeof cache, "%s/" LAUNCHER_NAME ".aot", lib); /* one cache per entry point */
    if (access(cache, R_OK) == 0) {
        snprintf(aot, sizeof aot, "-XX:AOTCache=%s", cache);
        v[k++] = aot;
    }
    /* The flags measured fastest for a short-lived command (see README, Performance). */
    v[k++] = "-XX:+UseSerialGC";
    v[k++] = "-XX:TieredStopAtLevel=1";
#if !PLAN_MODE
    /* jrun's commands run a few milliseconds of Java each: on a 2-core host the JIT's compiler
     * thread took more CPU than it saved (create 0.85x, delete 0.84x with -Xint, same JVM start;
     * bench/jrun-lifecycle.sh). The one long computation, a seccomp profile, is cached after its first use. */
    v[k++] = "-Xint";
#endif
    v[k++] = "-XX:-UsePerfData";
    /* The cache holds no method profiles (scripts/assemble.sh): without this a "Training replay"
     * thread still starts, and took ~0.5 ms of CPU beside a create's two busy threads. */
    v[k++] = "-XX:+UnlockDiagnosticVMOptions";
    v[k++] = "-XX:-AOTReplayTraining";
    v[k++] = "-Xss1m";
    /* JVM warnings (a stale AOT cache, say) must never reach stdout, which callers parse. */
    v[k++] = "-Xlog:disable";
    v[k++] = "-Xlog:all=warning:stderr";
    v[k++] = "--enable-native-access=ALL-UNNAMED";
    v[k++] = plan;
    v[k++] = libprop;
    v[k++] = "-Djrun.launcher=" LAUNCHER_NAME;
    v[k++] = "-cp";
    v[k++] = jar;
    v[k++] = MAIN_CLASS;
    for (int i = first_arg; i < argc; i++)
        v[k++] = argv[i];
    v[k] = NULL;
    return v;
}

#if PLAN_MODE
static int starts_with(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

/* Our flags that take a value, and those that take none. Keep in step with InterceptorArgs.java
 * (LauncherAgreementIT checks both sides on one table). */
static const char *VALUE_FLAGS[] = {"--oi-runtime-path", "--runtime-path", "--oi-debug-output-dir",
                                    "--oi-env", "--oi-env-force", "--oi-rules", NULL};
static const char *BOOL_FLAGS[] = {"--oi-readonly-networking-mounts", "--readonly-networking-mounts",
                                   "--oi-no-default-rules", NULL};
/* Words that may mean an intercepted call (or our own subcommand). Seen anywhere: go to Java. */
static const char *JAVA_WORDS[] = {"create", "run", "restore", "rules", NULL};

static int in(const char *s, const char **list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

/* Returns 1 and fills runtime/first when the call is certainly a passthrough. */
static int passthrough(int argc, char **argv, const char **runtime, int *first)
{
    *runtime = "runc";
    int i = 1, has_env = 0;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) { i++; break; }
        if (!starts_with(a, "--oi-") && !starts_with(a, "--runtime-path") &&
            !starts_with(a, "--readonly-networking-mounts"))
            break;
        char name[64];
        const char *eq = strchr(a, '=');
        size_t nl = eq ? (size_t)(eq - a) : strlen(a);
        if (nl >= sizeof name)
            return 0;
        memcpy(name, a, nl);
        name[nl] = 0;
        if (in(name, VALUE_FLAGS)) {
            const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
            if (!val || !*val)
                return 0;
            if (strcmp(name, "--oi-runtime-path") == 0 || strcmp(name, "--runtime-path") == 0)
                *runtime = val;
            if (strcmp(name, "--oi-env") == 0 || strcmp(name, "--oi-env-force") == 0)
                has_env = 1;
        } else if (in(name, BOOL_FLAGS) && !eq) {
            continue;
        } else {
            return 0; /* debug output, help, version, or unknown: Java handles and reports it */
        }
    }
    for (int j = i; j < argc; j++)
        if (in(argv[j], JAVA_WORDS) || (has_env && strcmp(argv[j], "exec") == 0))
            return 0; /* exec: env flags apply to its --process file too */
    *first = i;
    return 1;
}

static void exec_runtime(const char *runtime, int argc, char **argv, int first)
{
    char **v = calloc((size_t)(argc - first) + 2, sizeof *v);
    if (!v)
        die("calloc");
    v[0] = (char *)runtime;
    for (int j = first; j < argc; j++)
        v[j - first + 1] = argv[j];
    if (strchr(runtime, '/'))
        execv(runtime, v);
    else
        execvp(runtime, v);
    free(v); /* not found or not executable: let Java report it properly */
}

#include "engine_plan.c" /* engine_plan: the plan from the jrun engine (docs/engine.md) */

static int run_java_for_plan(char **jv)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        die("pipe");
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
            _exit(127);
        if (dup2(p[1], PLAN_FD) < 0)
            _exit(127);
        /* Java needs none of the caller's other fds (console sockets, LISTEN_FDS); the runtime gets them. */
        if (syscall(436 /* close_range */, PLAN_FD + 1, ~0U, 0) < 0)
            for (int fd = PLAN_FD + 1; fd < 1024; fd++)
                close(fd);
        execve(jv[0], jv, jvm_env()); /* the runtime the launcher execs keeps the caller's env */
        fprintf(stderr, "%s: cannot run Java at %s: %s (set JRUN_JAVA to a JDK 25 java)\n",
                LAUNCHER_NAME, jv[0], strerror(errno));
        _exit(127);
    }
    close(p[1]);
    char *buf = malloc(PLAN_MAX);
    if (!buf)
        die("malloc");
    size_t len = 0;
    for (;;) {
        ssize_t r = read(p[0], buf + len, PLAN_MAX - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            die("read plan");
        if (r == 0)
            break;
        len += (size_t)r;
        if (len == PLAN_MAX) {
            fprintf(stderr, "%s: plan from Java too large\n", LAUNCHER_NAME);
            exit(127);
        }
    }
    close(p[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            die("waitpid");
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    if (WEXITSTATUS(st) != 0)
        return WEXITSTATUS(st);
    if (len == 0)
        return 0; /* Java answered the call itself (help, version, rules check/apply): nothing to exec */
    return exec_plan(buf, len);
}

/* Execs a plan (Java's, cold or from the engine); returns 127 if it is malformed or the exec fails. */
static int exec_plan(char *buf, size_t len)
{
    /* Parse: magic, count, path, then count argv strings; every field NUL-terminated, nothing after. */
    char *fields[PLAN_MAX / 2 > 65536 ? 65536 : PLAN_MAX / 2];
    size_t nf = 0, at = 0;
    while (at < len && nf < sizeof fields / sizeof *fields) {
        char *end = memchr(buf + at, 0, len - at);
        if (!end)
            break;
        fields[nf++] = buf + at;
        at = (size_t)(end - buf) + 1;
    }
    long count = nf >= 2 ? strtol(fields[1], NULL, 10) : -1;
    if (at != len || nf < 3 || strcmp(fields[0], PLAN_MAGIC) != 0 || count < 1 || (size_t)count != nf - 3) {
        fprintf(stderr, "%s: malformed plan from Java (%zu bytes, %zu fields)\n", LAUNCHER_NAME, len, nf);
        return 127;
    }
    char **v = calloc((size_t)count + 1, sizeof *v);
    if (!v)
        die("calloc");
    for (long j = 0; j < count; j++)
        v[j] = fields[3 + j];
    execv(fields[2], v);
    fprintf(stderr, "%s: exec %s: %s\n", LAUNCHER_NAME, fields[2], strerror(errno));
    return 127;
}
#endif

#if !PLAN_MODE
#include "engine_client.c" /* try_engine: the jrun engine's client (docs/engine.md) */

/* Words naming a command that runs jrun-helper (a false match only costs an idle helper that
 * exits with the JVM). jrun's `start` needs none; run_oci's `start` is create + start. These are
 * forked before the engine is asked: it takes the helper (the container's processes stay the
 * caller's descendants). */
static const char *JRUN_HELPER_WORDS[] = {"create", "run", "exec", NULL};
static const char *RUN_OCI_HELPER_WORDS[] = {"start", "run", NULL};
/* Commands whose helper only the cold JVM uses: the engine serves kill without one (it signals
 * through a pidfd), so the helper is forked once the engine said no (or there is none). */
static const char *COLD_HELPER_WORDS[] = {"kill", NULL};

/* Forks jrun-helper (beside this launcher) for the JVM to use; returns the -D flag, or NULL.
 * cold: for a command in COLD_HELPER_WORDS (the engine declined it), else for one in the
 * launcher's own list. */
static const char *prefork_helper(const char *lib, int argc, char **argv, int cold)
{
    static char flag[96], helper[PATH_MAX];
    int wanted = 0;
    const char **words = cold ? COLD_HELPER_WORDS : strcmp(LAUNCHER_NAME, "run_oci") == 0 ? RUN_OCI_HELPER_WORDS : JRUN_HELPER_WORDS;
    for (int i = 1; i < argc && !wanted; i++)
        for (const char **w = words; *w; w++)
            if (strcmp(argv[i], *w) == 0)
                wanted = 1;
    if (!wanted || getenv("JRUN_NO_PREFORK") || engine_run_command(argc, argv)) /* the engine takes its clients' helpers */
        return NULL;
    if (snprintf(helper, sizeof helper, "%s/../../bin/jrun-helper", lib) >= (int)sizeof helper || access(helper, X_OK) != 0)
        return NULL;
    int plan[2], rep[2];
    if (pipe2(plan, O_CLOEXEC) < 0)
        return NULL;
    if (pipe2(rep, O_CLOEXEC) < 0) {
        close(plan[0]);
        close(plan[1]);
        return NULL;
    }
    /* Java's ends go high, out of the way of fds the caller passes (--preserve-fds, LISTEN_FDS),
     * and lose O_CLOEXEC so they survive the exec into the JVM. */
    int w = fcntl(plan[1], F_DUPFD, 200), r = fcntl(rep[0], F_DUPFD, 200);
    pid_t pid = w < 0 || r < 0 ? -1 : fork();
    if (pid == 0) {
        if (dup2(plan[0], 0) < 0 || dup2(rep[1], 1) < 0)
            _exit(127);
        if (syscall(436 /* close_range */, 3, ~0U, 0) < 0)
            for (int fd = 3; fd < 1024; fd++)
                close(fd);
        char *hv[] = {helper, NULL}, *env[] = {NULL};
        /* From a sealed copy (sealed_copy.h), so the helper need not make one and exec again;
         * if that fails, the helper tries itself and reports why. */
        int file = open(helper, O_RDONLY | O_CLOEXEC), copy = file < 0 ? -1 : jr_sealed_copy(file);
        if (copy >= 0)
            syscall(SYS_execveat, copy, "", hv, env, AT_EMPTY_PATH);
        execve(helper, hv, env);
        /* Leave no zombie for Java to block on: drop the report pipe (Java reads EOF and says
         * the helper is missing), then stay until Java closes the plan pipe. */
        dprintf(2, "%s: cannot run %s: %s\n", LAUNCHER_NAME, helper, strerror(errno));
        close(1);
        char buf[512];
        while (read(0, buf, sizeof buf) > 0 || errno == EINTR)
            ;
        _exit(127);
    }
    close(plan[0]);
    close(plan[1]);
    close(rep[0]);
    close(rep[1]);
    if (pid < 0) {
        if (w >= 0)
            close(w);
        if (r >= 0)
            close(r);
        return NULL;
    }
    snprintf(flag, sizeof flag, "-Djrun.helper.prefork=%d,%d,%d", w, r, (int)pid);
    return flag;
}
#endif

#if !PLAN_MODE
/* Whether the command word (the first word after jrun's global flags) is `engine`: its own process
 * never asks an engine (`engine run` under socket activation would ask itself and wait forever)
 * and needs no helper. A flag missing here only costs an idle helper and a refused request. */
static int engine_command(int argc, char **argv)
{
    static const char *valued[] = {"--root", "--log", "--log-format", "--criu", "--rules", "--oi-rules", "--oi-env",
                                   "--oi-env-force", NULL};
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] != '-')
            return strcmp(argv[i], "engine") == 0;
        for (const char **v = valued; *v; v++)
            if (strcmp(argv[i], *v) == 0)
                i++;
    }
    return 0;
}
#endif

int main(int argc, char **argv)
{
    char lib[PATH_MAX - 64]; /* room for the file names appended to it */
#if PLAN_MODE
    const char *runtime;
    int first;
    if (passthrough(argc, argv, &runtime, &first))
        exec_runtime(runtime, argc, argv, first);
    lib_dir(lib, sizeof lib);
    engine_plan(lib, argc, argv); /* returns when the plan is to come from a cold JVM */
    return run_java_for_plan(java_argv(lib, argc, argv, 1));
#else
    lib_dir(lib, sizeof lib);
    char **jv = java_argv(lib, argc, argv, 1);
    int engine_cmd = engine_command(argc, argv);
    const char *prefork = engine_cmd ? NULL : prefork_helper(lib, argc, argv, 0);
    if (!engine_cmd) {
        try_engine(lib, argc, argv, prefork); /* returns when the command runs cold */
        if (!prefork)
            prefork = prefork_helper(lib, argc, argv, 1); /* kill: the helper only the cold JVM uses */
    }
    engine_jvm_flags(jv, argc, argv);
    if (prefork) /* replaces -Djrun.plan.fd, which jrun mode does not use */
        for (char **a = jv; *a; a++)
            if (strncmp(*a, "-Djrun.plan.fd=", 15) == 0)
                *a = (char *)prefork;
    execve(jv[0], jv, jvm_env());
    fprintf(stderr, "%s: cannot run Java at %s: %s (set JRUN_JAVA to a JDK 25 java)\n", LAUNCHER_NAME, jv[0],
            strerror(errno));
    return 127;
#endif
}
