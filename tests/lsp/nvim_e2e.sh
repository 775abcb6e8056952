#!/usr/bin/env bash
# End-to-end test of `rig lsp` with a real editor client: headless Neovim
# driven by shared/tools/lsp-client/nvim-lsp-drive.lua. Opens an example and a
# broken file, and checks diagnostics (code, did-you-mean), hover (field doc,
# Kubernetes field, QoS class), completion and the outline; definition into
# the stdlib's cached copy and references in a small project.
# usage: tests/lsp/nvim_e2e.sh RIG_BINARY
set -euo pipefail
RIG=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CLIENT=${LSP_CLIENT_DIR:-}
for c in "$CLIENT" "$ROOT/../shared/tools/lsp-client" /work/shared/tools/lsp-client; do
  if [ -n "$c" ] && [ -f "$c/nvim-lsp-drive.lua" ]; then CLIENT=$c; break; fi
done
[ -f "$CLIENT/nvim-lsp-drive.lua" ] || { echo "nvim_e2e: lsp-client not found (set LSP_CLIENT_DIR)"; exit 1; }
command -v nvim >/dev/null || { echo "nvim_e2e: neovim is not installed"; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

drive() { # FILE LINE:COL REQUESTS OUT
  XDG_CACHE_HOME="$TMP/cache" LSP_CMD="$RIG lsp" LSP_AT=$2 LSP_REQUESTS=$3 LSP_WAIT_MS=10000 \
    timeout 60 nvim --headless --clean -c "luafile $CLIENT/nvim-lsp-drive.lua" "$1" >"$4"
}

# 1. An example: hover on a field, on the workload's name, and completion.
EXAMPLE="$ROOT/examples/postgres-resources/postgres.rig"
drive "$EXAMPLE" 11:6 hover,completion,documentSymbol "$TMP/example.jsonl"
drive "$EXAMPLE" 7:8 hover "$TMP/qos.jsonl"

# 2. A broken file with non-ASCII text before the error.
cat >"$TMP/broken.rig" <<'RIG'
// grüße 😀
deployment web_app {
      replicas   =   2
  container web { imagee = "nginx:1.25-ü😀", working_dir = "/srv" }
}
RIG
drive "$TMP/broken.rig" 4:50 hover,formatting "$TMP/broken.jsonl"

# 3. Navigation: definition into the stdlib (a real file in the cache) and
# references of a sidecar (its declaration and `after`).
mkdir -p "$TMP/project"
cat >"$TMP/project/main.rig" <<'RIG'
import "std/sidecars" as sc
deployment web {
  sidecar proxy = sc.istio_proxy()
  sidecar metrics after proxy { image = "prom:2" }
  container app { image = "nginx:1.27" }
}
RIG
drive "$TMP/project/main.rig" 3:24 definition "$TMP/definition.jsonl"
drive "$TMP/project/main.rig" 3:12 references "$TMP/references.jsonl"

python3 - "$TMP" <<'PY'
import json, sys
tmp = sys.argv[1]
def load(name):
    return [json.loads(l) for l in open(f"{tmp}/{name}") if l.strip().startswith("{")]
def response(events, method):
    for e in events:
        if e.get("event") == "response" and e.get("method") == method:
            return e["result"]
    raise SystemExit(f"no {method} response in {events}")
fails = []
def check(cond, what):
    if not cond: fails.append(what)

ex = load("example.jsonl")
check(any(e.get("event") == "initialized" for e in ex), "server initialized")
hover = response(ex, "textDocument/hover")
check(hover and "Kubernetes: `image`" in hover["contents"]["value"], "hover on `image` names the Kubernetes field")
labels = [i["label"] for i in response(ex, "textDocument/completion")["items"]]
check("liveness" in labels and "image" in labels and "replicas" not in labels, f"container completion: {labels}")
syms = response(ex, "textDocument/documentSymbol")
check(any(s["name"] == "postgres_memory_guaranteed" and s["kind"] == 5 for s in syms), f"outline names the workload: {syms}")
diags = [e for e in ex if e.get("event") == "diagnostics"]
check(diags and not [d for d in diags[0]["diagnostics"] if d["severity"] == 1], "the example has no errors")

qos = response(load("qos.jsonl"), "textDocument/hover")
check(qos and "QoS class: `Burstable`" in qos["contents"]["value"], f"hover shows the QoS class: {qos}")

br = load("broken.jsonl")
diags = [e for e in br if e.get("event") == "diagnostics"]
check(diags, "diagnostics published for the broken file")
typo = [d for d in diags[0]["diagnostics"] if "imagee" in d["message"]] if diags else []
check(typo and typo[0]["code"] == "E0102" and "did you mean `image`" in typo[0]["message"], f"typo diagnostic: {typo}")
# `working_dir` comes after `ü😀`: UTF-16 column 45, byte column 48.
check(typo and typo[0]["range"]["start"] == {"line": 3, "character": 18}, f"typo range: {typo}")
h = response(br, "textDocument/hover")
check(h and "workingDir" in h["contents"]["value"] and h["range"]["start"]["character"] == 45, f"hover after non-ASCII text: {h}")
fmt = response(br, "textDocument/formatting")
# The file parses, so formatting lays it out canonically (one edit).
check(isinstance(fmt, list) and len(fmt) == 1 and "imagee" in fmt[0]["newText"], f"formatting: {fmt}")
d = response(load("definition.jsonl"), "textDocument/definition")
loc = d[0] if isinstance(d, list) else d
path = loc["uri"][len("file://"):] if loc else ""
check(loc and path.startswith(f"{tmp}/cache/rig/stdlib/") and path.endswith("/std/sidecars.rig"), f"definition into the stdlib: {d}")
check(loc and "template istio_proxy(" in open(path).read().splitlines()[loc["range"]["start"]["line"]], f"definition line: {d}")
refs = response(load("references.jsonl"), "textDocument/references")
check(sorted(r["range"]["start"]["line"] for r in refs) == [2, 3], f"references of the sidecar: {refs}")
if fails:
    print("nvim_e2e: FAILED:\n  " + "\n  ".join(fails)); sys.exit(1)
print("nvim_e2e: all checks passed")
PY
