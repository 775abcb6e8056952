#!/usr/bin/env python3
"""Feeds documents to `rig lsp` and asks for every feature at several spots
(not run in CI; see README.md). usage: lsp_probe.py [--rig build/rig] FILE...

For each file: didOpen, then hover, completion, definition, references,
documentSymbol, semanticTokens/full, formatting, codeAction, inlayHint and
foldingRange at the start, middle and end; then an edit that deletes the
middle third and the same requests again. Reports a server that exits, or
does not answer a request within --timeout seconds.
"""
import argparse, json, os, select, subprocess, sys, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class Server:
    def __init__(self, rig):
        self.p = subprocess.Popen([rig, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.buf = b""
        self.next_id = 1

    def send(self, o):
        b = json.dumps(o).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b)
        self.p.stdin.flush()

    def _read(self, deadline):
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                n = int([l for l in self.buf[:end].split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1])
                if len(self.buf) >= end + 4 + n:
                    msg = self.buf[end + 4:end + 4 + n]
                    self.buf = self.buf[end + 4 + n:]
                    return json.loads(msg)
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.p.stdout], [], [], left)[0]:
                return None
            chunk = os.read(self.p.stdout.fileno(), 1 << 20)
            if not chunk:
                return None
            self.buf += chunk

    def request(self, method, params, timeout):
        i = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": i, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            m = self._read(deadline)
            if m is None:
                return None
            if m.get("id") == i:
                return m


def position(text, offset):
    before = text[:offset]
    return {"line": before.count("\n"), "character": len(before) - (before.rfind("\n") + 1)}


def probe(rig, path, timeout):
    text = open(path, "rb").read().decode("utf-8", "replace")
    s = Server(rig)
    problems = []
    uri = "file://" + os.path.abspath(path)
    if s.request("initialize", {"capabilities": {}}, timeout) is None:
        return ["initialize: no answer"]
    s.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    s.send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": uri, "languageId": "rig", "version": 1, "text": text}}})
    for version in (1, 2):
        end = position(text, len(text))
        for off in (0, len(text) // 2, max(0, len(text) - 1)):
            pos = position(text, off)
            doc = {"textDocument": {"uri": uri}}
            for method, params in [
                ("textDocument/hover", {**doc, "position": pos}),
                ("textDocument/completion", {**doc, "position": pos}),
                ("textDocument/definition", {**doc, "position": pos}),
                ("textDocument/references", {**doc, "position": pos, "context": {"includeDeclaration": True}}),
                ("textDocument/documentSymbol", doc),
                ("textDocument/semanticTokens/full", doc),
                ("textDocument/formatting", {**doc, "options": {"tabSize": 2, "insertSpaces": True}}),
                ("textDocument/codeAction", {**doc, "range": {"start": pos, "end": end}, "context": {"diagnostics": []}}),
                ("textDocument/inlayHint", {**doc, "range": {"start": {"line": 0, "character": 0}, "end": end}}),
                ("textDocument/foldingRange", doc),
            ]:
                started = time.monotonic()
                answer = s.request(method, params, timeout)
                if answer is not None and time.monotonic() - started > 2:
                    problems.append(f"v{version} {method} at {pos}: slow ({time.monotonic() - started:.1f} s)")
                if answer is None:
                    problems.append(f"v{version} {method} at {pos}: " + ("server exited" if s.p.poll() is not None else "no answer"))
                    if s.p.poll() is not None:
                        return problems
        third = len(text) // 3
        s.send({"jsonrpc": "2.0", "method": "textDocument/didChange",
                "params": {"textDocument": {"uri": uri, "version": 2},
                           "contentChanges": [{"range": {"start": position(text, third), "end": position(text, 2 * third)}, "text": ""}]}})
        text = text[:third] + text[2 * third:]
    if s.request("shutdown", None, timeout) is None:
        problems.append("shutdown: no answer")
    s.send({"jsonrpc": "2.0", "method": "exit"})
    try:
        s.p.wait(timeout)
    except subprocess.TimeoutExpired:
        s.p.kill()
        problems.append("exit: server did not stop")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rig", default=os.path.join(ROOT, "build", "rig"))
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    bad = 0
    for f in args.files:
        problems = probe(args.rig, f, args.timeout)
        if problems:
            bad += 1
            print(f"{f}: " + "; ".join(problems[:5]), flush=True)
    print(f"{bad} of {len(args.files)} files with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
