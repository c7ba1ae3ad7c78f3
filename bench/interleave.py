#!/usr/bin/env python3
"""Times commands in interleaved rounds and writes hyperfine's JSON (results[].command, .times).

hyperfine runs all runs of one command, then the next: on this shared machine the load moves
between those blocks, and a ratio between two commands then measures the minute as much as the
commands. Here every round runs each command once (in a rotating order, each after the prepare
command), so every ratio compares runs taken under the same load.

usage: interleave.py --runs N [--warmup N] [--prepare CMD] --export-json FILE -n NAME CMD [-n NAME CMD ...]
Commands run through sh -c, like hyperfine's default; the median cost of an empty `sh -c` is
subtracted from every time, as hyperfine subtracts its shell's spawn time.
"""
import argparse
import json
import statistics
import subprocess
import sys
import time


def timed(cmd):
    start = time.perf_counter()
    rc = subprocess.run(["sh", "-c", cmd], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL).returncode
    return time.perf_counter() - start, rc


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, required=True)
    p.add_argument("--warmup", type=int, default=0)
    p.add_argument("--prepare", default="")
    p.add_argument("--export-json", required=True)
    p.add_argument("-n", nargs=2, action="append", metavar=("NAME", "CMD"), required=True)
    a = p.parse_args()
    shell = statistics.median(timed("")[0] for _ in range(20))
    times = {name: [] for name, _ in a.n}
    for r in range(a.warmup + a.runs):
        order = a.n[r % len(a.n):] + a.n[:r % len(a.n)]
        for name, cmd in order:
            if a.prepare:
                subprocess.run(["sh", "-c", a.prepare], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            t, rc = timed(cmd)
            if rc != 0:
                sys.exit(f"interleave.py: {name} exited with {rc}: {cmd}")
            if r >= a.warmup:
                times[name].append(max(t - shell, 0.0))
    with open(a.export_json, "w") as f:
        json.dump({"results": [{"command": name, "times": times[name]} for name, _ in a.n]}, f)


if __name__ == "__main__":
    main()
