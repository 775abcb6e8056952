#!/usr/bin/env python3
"""Mutation fuzzer for the rig command line (not run in CI; see README.md).

Takes every .rig under examples/, tests/golden/ and tests/recovery/, mutates it
(byte and token edits, deep nesting, splices, truncation), runs the binary on the
mutant with a timeout and records what must never happen:
  - a signal (crash, abort, stack overflow) or an exit code other than 0/1/2,
  - a hang (no exit within --timeout seconds),
  - output written although the exit code is 1,
  - a diagnostic whose line is past the end of the file,
  - `rig fmt` output that is not idempotent or fails to parse again,
  - different output for two runs of the same input (with --determinism).
Every finding is saved in --out as the input plus a .txt with the command.
"""
import argparse, os, random, re, shutil, subprocess, sys, tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOKEN = re.compile(rb'"(?:[^"\\\n]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*|\d[\w.]*|\$\{|=>|\.\.|[=!<>]=|&&|\|\||\s+|.', re.S)
INTERESTING = [b"{", b"}", b"(", b")", b"[", b"]", b"${", b'"', b'"""', b"=", b",", b";", b"\n", b"for x in 0..3 ", b"if true ",
               b"else ", b"let a = ", b"template t() ", b"import \"a.rig\" ", b"container c ", b"on exit 1 => ", b"after ",
               b"99999999999999999999999Gi", b"-1", b"1.5.3Gi", b"0x", b"\x00", b"\xff\xfe", b"\r\n", b"\xef\xbb\xbf",
               b"/*", b"*/", b"//", b"#", b"\\", b"\\u{110000}", b"a" * 5000, b"1e999", b"..", b"?", b":", b"!", b"-"]
OPEN_CLOSE = [(b"(", b")"), (b"[", b"]"), (b"{", b"}"), (b"{a=", b"}"), (b'"${', b'}"'), (b"-", b""), (b"!", b""),
              (b"pod p { ", b" }"), (b"if true { ", b" }"), (b"for i in 0..1 { ", b" }"), (b"x.", b""), (b"a[", b"]"),
              (b"true ? ", b" : 1"), (b"1 + ", b""), (b"container c { ", b"}")]


def tokens(data):
    return [m.group(0) for m in TOKEN.finditer(data)]


def mutate(data, corpus, rnd):
    toks = tokens(data) or [b""]
    kind = rnd.randrange(11)
    i = rnd.randrange(len(toks))
    if kind == 0:
        del toks[i:i + rnd.randint(1, 4)]
    elif kind == 1:
        toks[i:i] = toks[i:i + rnd.randint(1, 8)] * rnd.randint(1, 50)
    elif kind == 2:
        j = rnd.randrange(len(toks))
        toks[i], toks[j] = toks[j], toks[i]
    elif kind == 3:
        toks.insert(i, rnd.choice(INTERESTING))
    elif kind == 4:
        o, c = rnd.choice(OPEN_CLOSE)
        n = rnd.choice([10, 100, 1000, 5000, 20000, 100000])
        toks.insert(i, o * n + (rnd.choice(toks) if rnd.random() < .5 else b"1") + (c * n if rnd.random() < .7 else b""))
    elif kind == 5:
        other = tokens(rnd.choice(corpus)[1]) or [b""]
        k = rnd.randrange(len(other))
        toks[i:i] = other[k:k + rnd.randint(1, 200)]
    elif kind == 6:
        return b"".join(toks)[:rnd.randrange(len(data) + 1)]
    elif kind == 7:
        b = bytearray(b"".join(toks))
        for _ in range(rnd.randint(1, 10)):
            if b:
                b[rnd.randrange(len(b))] = rnd.randrange(256)
        return bytes(b)
    elif kind == 8:
        toks[i] = rnd.choice(toks)
    elif kind == 9:
        # numbers: huge, negative, odd units
        nums = [k for k, t in enumerate(toks) if t[:1].isdigit()]
        if nums:
            toks[rnd.choice(nums)] = rnd.choice([b"9" * 40, b"18446744073709551616", b"9223372036854775807Ei", b"1e308",
                                                 b"0.000000000000000000001", b"00000000000000000009", b"1.5.3Gi", b"512MB",
                                                 b"9999999999999h", b"-9223372036854775808", b"0777777777777777777777777"])
    else:
        names = [k for k, t in enumerate(toks) if re.fullmatch(rb"[A-Za-z_]\w*", t)]
        if names:
            toks[rnd.choice(names)] = b"n" * rnd.choice([64, 254, 64000])
    return b"".join(toks)


def run(cmd, timeout, cwd):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, cwd=cwd)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return "timeout", b"", b""


def check_one(rig, path, data, timeout, determinism):
    """Returns a list of problems found for the file at path."""
    problems = []
    d = os.path.dirname(path)
    lines = data.count(b"\n") + 1
    for mode in (["check"], ["build", "-o", "-"], ["build", "-o", "OUT"], ["explain"], ["fmt"]):
        out = os.path.join(d, "OUT")
        shutil.rmtree(out, ignore_errors=True)
        cmd = [rig] + [out if a == "OUT" else a for a in mode] + [path]
        rc, so, se = run(cmd, timeout, d)
        what = " ".join(mode)
        if rc == "timeout":
            problems.append(f"{what}: hang")
            continue
        if rc not in (0, 1, 2):
            problems.append(f"{what}: exit {rc}")
            continue
        if rc == 1 and mode[0] == "build" and (so.strip() or (os.path.exists(out) and os.listdir(out))):
            problems.append(f"{what}: output despite errors")
        for m in re.finditer(rb"input\.rig:(\d+):(\d+):", se):
            if int(m.group(1)) > lines + 1:
                problems.append(f"{what}: diagnostic line {int(m.group(1))} past end ({lines})")
                break
        if determinism and rc == 0 and mode[0] == "build" and mode[2] == "-":
            if run(cmd, timeout, d)[1] != so:
                problems.append(f"{what}: nondeterministic")
        if mode[0] == "fmt" and rc == 0:
            f2 = path + ".fmt.rig"
            with open(f2, "wb") as f:
                f.write(so)
            rc2, so2, se2 = run([rig, "fmt", f2], timeout, d)
            if rc2 != 0:
                problems.append(f"fmt: formatted output does not format again (exit {rc2}): {se2[:200]!r}")
            elif so2 != so:
                problems.append("fmt: not idempotent")
            else:
                a = run([rig, "build", "-o", "-", path], timeout, d)
                b = run([rig, "build", "-o", "-", f2], timeout, d)
                if a[0] != b[0] or (a[0] == 0 and a[1] != b[1]):
                    problems.append(f"fmt: changes meaning (build exit {a[0]} -> {b[0]})")
            os.unlink(f2)
    shutil.rmtree(os.path.join(d, "OUT"), ignore_errors=True)
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rig", default=os.path.join(ROOT, "build", "rig"))
    ap.add_argument("--iterations", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "fuzz-findings"))
    ap.add_argument("--determinism", action="store_true")
    args = ap.parse_args()
    corpus = []
    for top in ("examples", "tests/golden", "tests/recovery"):
        for dp, _, fs in os.walk(os.path.join(ROOT, top)):
            for f in sorted(fs):
                if f.endswith(".rig"):
                    with open(os.path.join(dp, f), "rb") as fh:
                        corpus.append((os.path.join(dp, f), fh.read()))
    corpus.sort()
    rnd = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    found = 0
    with tempfile.TemporaryDirectory() as work:
        for it in range(args.iterations):
            src, data = rnd.choice(corpus)
            for _ in range(rnd.randint(1, 3)):
                data = mutate(data, corpus, rnd)
            path = os.path.join(work, "input.rig")
            with open(path, "wb") as f:
                f.write(data)
            problems = check_one(args.rig, path, data, args.timeout, args.determinism)
            if problems:
                found += 1
                base = os.path.join(args.out, f"finding-{args.seed}-{it}")
                shutil.copy(path, base + ".rig")
                with open(base + ".txt", "w") as f:
                    f.write(f"from {os.path.relpath(src, ROOT)}\n" + "\n".join(problems) + "\n")
                print(f"[{it}] {os.path.relpath(src, ROOT)}: {'; '.join(problems)} -> {base}.rig", flush=True)
            elif it % 50 == 0:
                print(f"[{it}] ok", flush=True)
    print(f"{found} findings in {args.iterations} iterations")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
