#!/usr/bin/env python3
"""Writes N jobs, each with 20 failure rules of 255 exit codes (the API's
limits), to stdout. Rules differ between jobs (seeded, reproducible), so the
analysis cannot reuse one job's result for another.

usage: gen.py N [SEED] [--no-rules]
"""
import random
import sys

def rule_values(rng):
    # 255 values is the most a rule may list. With `in` that is every code
    # 1..255; with `not in` it is 0..255 but one, i.e. the rule matches one code.
    if rng.random() < 0.15:
        return "in", list(range(1, 256))
    skip = rng.randint(1, 255)
    return "not in", [v for v in range(0, 256) if v != skip]

def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 1000
    rng = random.Random(int(args[1]) if len(args) > 1 else 1)
    with_rules = "--no-rules" not in sys.argv
    containers = ["trainer", "loader", "proxy", "setup"]
    actions = ["fail_job", "ignore", "count", "fail_index"]
    out = ['target kubernetes "1.31"\n']
    for j in range(n):
        out.append(f"job bench_{j} {{\n  completion_mode = Indexed\n  completions = 10\n  backoff_limit_per_index = 1\n")
        out.append('  init setup { image = "busybox:1.36" }\n  sidecar proxy { image = "envoy:1.30" }\n')
        out.append('  container loader { image = "loader:1" }\n  container trainer { image = "trainer:1" }\n')
        seen = set()
        while len(seen) < (20 if with_rules else 0):
            op, values = rule_values(rng)
            container = rng.choice(containers)
            key = (op, values[0] if op == "in" else sum(values), container)
            if key in seen:
                continue  # the same match twice is an error (E0510), not a benchmark
            seen.add(key)
            out.append(f"  on exit {op} {', '.join(map(str, values))} in {container} => {rng.choice(actions)}\n")
        out.append("}\n")
    sys.stdout.write("".join(out))

main()
