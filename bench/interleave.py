#!/usr/bin/env python3
"""Times commands in interleaved rounds: every round runs each command once.

hyperfine runs all of one command's runs, then all of the next one's, so a
slow spell of the host that falls on one command's runs moves its median
alone: on the 2-vCPU VMs the benchmarks run on, the same rig binary's
1,000-workload median moved between 7 and 11 ms from one invocation to the
next while Pkl's (80 ms, measured over a ten times longer stretch) moved
less. Alternating the commands run by run puts both under the same
conditions, and a ratio per round shows how much the comparison itself
varies.

usage: interleave.py --rounds N [--warmup W] [--settle S] [--cwd DIR] --json OUT NAME=PATH ...

Each PATH is an executable run without a shell and without arguments (the
peers' run.sh scripts), with stdout to /dev/null; a run that exits non-zero
stops everything. The order within a round rotates, so no command always
runs first. In a round, each command runs S times untimed (default 1) right
before its timed run: a run that follows the other command's came out
slower (rig after Pkl, whose 150 MB the kernel was still taking back: 8.2
against 7.6 ms), so every timed run follows a run of its own command, as in
hyperfine. Wall time is taken around spawn and wait (time.perf_counter_ns),
so it includes process start, as hyperfine's does. OUT gets
{"rounds": N, "settle": S, "commands": [{"name", "command", "times_s": [...]}, ...]}.
"""
import argparse
import json
import os
import sys
import time


def run_once(path, devnull):
    # posix_spawn: no copy of this process's memory (glibc uses vfork/clone),
    # so what is timed is the command's own start.
    start = time.perf_counter_ns()
    pid = os.posix_spawn(path, [path], os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter_ns() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"interleave: {path} exited with {code}")
    return elapsed / 1e9


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--settle", type=int, default=1)
    ap.add_argument("--cwd", default=".")
    ap.add_argument("--json", required=True)
    ap.add_argument("commands", nargs="+", metavar="NAME=PATH")
    args = ap.parse_args()
    if args.rounds < 1 or args.warmup < 0 or args.settle < 0:
        ap.error("--rounds must be at least 1, --warmup and --settle at least 0")
    cmds = []
    for c in args.commands:
        name, sep, path = c.partition("=")
        if not sep or not name or not path:
            ap.error(f"expected NAME=PATH, got '{c}'")
        cmds.append((name, path))
    os.chdir(args.cwd)
    for _, path in cmds:
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            ap.error(f"{path} is not an executable file (in {os.getcwd()})")
    devnull = os.open(os.devnull, os.O_WRONLY)
    times = [[] for _ in cmds]
    for r in range(args.warmup + args.rounds):
        for k in range(len(cmds)):
            i = (r + k) % len(cmds)
            for _ in range(args.settle):
                run_once(cmds[i][1], devnull)
            t = run_once(cmds[i][1], devnull)
            if r >= args.warmup:
                times[i].append(t)
    with open(args.json, "w") as f:
        json.dump({"rounds": args.rounds, "settle": args.settle,
                   "commands": [{"name": n, "command": p, "times_s": ts} for (n, p), ts in zip(cmds, times)]},
                  f, indent=1)


if __name__ == "__main__":
    main()
