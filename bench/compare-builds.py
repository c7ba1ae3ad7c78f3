#!/usr/bin/env python3
"""Compares builds of jrun on one command, in many interleaved rounds: wall time and the CPU time
of the JVM process (user + system, from getrusage of the child), against a bare JVM start.

A change worth a millisecond is below what bench/jrun-lifecycle.sh's 30 rounds can resolve on a
shared machine; CPU time moves less with the load than wall time, and 150 rounds bring the median
within about half a millisecond. Build each variant in its own tree (git worktree add), then:

  sudo bench/compare-builds.py --runs 150 --command create old=/tmp/old/bin/jrun new=bin/jrun

The helper and the container's init are not the JVM's children once it exits, so their CPU is
not counted: this measures the Java side. Needs root and /bin/busybox.
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def quiet(cmd):
    subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def timed(cmd):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    rc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    t1 = time.perf_counter()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
    return (t1 - t0) * 1000, cpu * 1000, rc


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=150)
    p.add_argument("--command", choices=["create", "exec"], default="create")
    p.add_argument("builds", nargs="+", metavar="NAME=BIN_JRUN")
    a = p.parse_args()
    if os.geteuid() != 0:
        sys.exit("compare-builds: needs root")
    builds = []
    for b in a.builds:
        name, sep, path = b.partition("=")
        if not sep or not os.access(path, os.X_OK):
            sys.exit(f"compare-builds: {b}: expected NAME=PATH to an executable bin/jrun")
        builds.append((name, os.path.abspath(path)))
    work = tempfile.mkdtemp(prefix="jrun-compare.")
    roots = {name: os.path.join(work, "root-" + name) for name, _ in builds}

    def delete_all():
        for name, jrun in builds:
            quiet([jrun, "--root", roots[name], "delete", "-f", "c"])

    try:
        rootfs = os.path.join(work, "bundle", "rootfs")
        os.makedirs(os.path.join(rootfs, "bin"))
        shutil.copy("/bin/busybox", os.path.join(rootfs, "bin"))
        for tool in ("true", "sleep"):
            os.symlink("busybox", os.path.join(rootfs, "bin", tool))
        bundle = os.path.join(work, "bundle")
        quiet([builds[0][1], "spec", "--bundle", bundle])
        with open(os.path.join(bundle, "config.json")) as f:
            config = json.load(f)
        config["process"]["terminal"] = False
        config["process"]["args"] = ["/bin/true"] if a.command == "create" else ["/bin/sleep", "1000"]
        with open(os.path.join(bundle, "config.json"), "w") as f:
            json.dump(config, f)

        def command(name, jrun):
            if a.command == "create":
                return [jrun, "--root", roots[name], "create", "--bundle", bundle, "c"]
            return [jrun, "--root", roots[name], "exec", "c", "/bin/true"]

        if a.command == "exec":
            for name, jrun in builds:
                quiet([jrun, "--root", roots[name], "create", "--bundle", bundle, "c"])
                quiet([jrun, "--root", roots[name], "start", "c"])
        # Each build's own bare JVM start too: a change to the launcher's flags or the AOT cache moves both.
        runs = [(name, command(name, jrun)) for name, jrun in builds] + [(name + " JVM", [jrun, "--version"]) for name, jrun in builds]
        results = {name: ([], []) for name, _ in runs}
        warmup = 3
        for r in range(warmup + a.runs):
            if a.command == "create":
                delete_all()
            time.sleep(0.2)  # the deletes' exits and cgroup removals land before the timings
            order = runs[r % len(runs):] + runs[:r % len(runs)]
            for name, cmd in order:
                wall, cpu, rc = timed(cmd)
                if rc != 0:
                    sys.exit(f"compare-builds: {' '.join(cmd)} exited {rc}")
                if r >= warmup:
                    results[name][0].append(wall)
                    results[name][1].append(cpu)
        print(f"{a.command}, {a.runs} interleaved rounds; CPU is the JVM process's user+system time;")
        print("/JVM is against the same build's bin/jrun --version")
        print(f"{'build':<16}{'wall ms':>9}{'/JVM':>7}{'CPU ms':>9}{'CPU mean':>10}")
        for name, (wall, cpu) in results.items():
            w = statistics.median(wall)
            own = statistics.median(results[name.removesuffix(" JVM") + " JVM"][0])
            print(f"{name:<16}{w:>9.1f}{w / own:>7.3f}{statistics.median(cpu):>9.1f}{statistics.mean(cpu):>10.1f}")
    finally:
        delete_all()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
