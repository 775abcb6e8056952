#!/usr/bin/env python3
# rig lsp on a 5,000-line file: diagnostics after open and after an edit,
# hover, completion, definition and references p50/p99, semantic tokens and
# code actions p50, peak RSS. usage: [N=250] bench/lsp_bench.py [RIG]
# N deployments of 20 lines each (N=20000: about 10 MB).
import subprocess, json, time, sys, os
# A 5,000-line file: 250 deployments of 20 lines each.
parts = []
for i in range(int(os.environ.get("N", "250"))):
    parts.append(f"""deployment app_{i} {{
  replicas = 2
  volume cache = empty_dir()
  sidecar proxy {{
    image = "envoy:1.30"
    requests {{ memory = 64Mi, cpu = 100m }}
  }}
  container web {{
    image = "nginx:1.25"
    port = 8080
    working_dir = "/srv"
    requests {{ memory = 128Mi, cpu = 250m }}
    limits {{ memory = 256Mi, cpu = 500m }}
    mount cache at "/cache"
    readiness {{
      http_get "/healthz" port 8080
    }}
  }}
  labels {{ team = "t{i}" }}
}}
""")
text = "".join(parts)
lines = text.count("\n")
p = subprocess.Popen([sys.argv[1] if len(sys.argv) > 1 else "build/rig", "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
def send(o):
    b = json.dumps(o).encode(); p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b); p.stdin.flush()
def recv():
    n = None
    while True:
        l = p.stdout.readline().strip()
        if not l: break
        if l.lower().startswith(b"content-length"): n = int(l.split(b":")[1])
    return json.loads(p.stdout.read(n))
def wait(pred):
    while True:
        m = recv()
        if pred(m): return m
uri = "file:///tmp/lsp2-bench/big.rig"
send({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}); wait(lambda m: m.get("id")==1)
t = time.perf_counter()
send({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":uri,"version":1,"text":text}}})
m = wait(lambda m: m.get("method")=="textDocument/publishDiagnostics")
open_ms = (time.perf_counter()-t)*1000
errs = [d for d in m["params"]["diagnostics"] if d["severity"]==1]
# an edit in the middle, then diagnostics
t = time.perf_counter()
send({"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":uri,"version":2},"contentChanges":[{"range":{"start":{"line":2500,"character":0},"end":{"line":2500,"character":0}},"text":"  "}]}})
wait(lambda m: m.get("method")=="textDocument/publishDiagnostics")
edit_ms = (time.perf_counter()-t)*1000
def timed(method, params, n=200):
    ts = []
    for i in range(n):
        t = time.perf_counter()
        send({"jsonrpc":"2.0","id":1000+i,"method":method,"params":params}); wait(lambda m: m.get("id")==1000+i)
        ts.append((time.perf_counter()-t)*1000)
    ts.sort(); return ts[len(ts)//2], ts[int(len(ts)*0.99)-1]
h = timed("textDocument/hover", {"textDocument":{"uri":uri},"position":{"line":4000,"character":6}})
c = timed("textDocument/completion", {"textDocument":{"uri":uri},"position":{"line":4000,"character":4}})
# navigation: definition and references of `cache` in `mount cache`, the
# file's semantic tokens, code actions on a sidecar (each candidate compiles)
pos = {"textDocument":{"uri":uri},"position":{"line":4013,"character":11}}
d = timed("textDocument/definition", pos)
r = timed("textDocument/references", dict(pos, context={"includeDeclaration":True}), n=50)
st = timed("textDocument/semanticTokens/full", {"textDocument":{"uri":uri}}, n=20)
ca = timed("textDocument/codeAction", {"textDocument":{"uri":uri},"range":{"start":{"line":4003,"character":10},"end":{"line":4003,"character":10}},"context":{"diagnostics":[]}}, n=10)
rss = open(f"/proc/{p.pid}/status").read().split("VmHWM:")[1].split("\n")[0].strip()
send({"jsonrpc":"2.0","id":9,"method":"shutdown"}); wait(lambda m: m.get("id")==9); send({"jsonrpc":"2.0","method":"exit"}); p.wait()
print(f"lines={lines} errors={len(errs)} {errs[:2]} open+diagnostics={open_ms:.0f}ms edit->diagnostics={edit_ms:.0f}ms hover p50/p99={h[0]:.2f}/{h[1]:.2f}ms completion p50/p99={c[0]:.2f}/{c[1]:.2f}ms definition p50/p99={d[0]:.2f}/{d[1]:.2f}ms references p50/p99={r[0]:.2f}/{r[1]:.2f}ms semanticTokens p50={st[0]:.1f}ms codeAction p50={ca[0]:.1f}ms peakRSS={rss} exit={p.returncode}")
