#!/usr/bin/env bash
# End-to-end behaviour of the rig command line: exit codes, all-or-nothing
# writes, determinism, output layout. usage: cli_test.sh PATH/TO/rig
set -u
RIG=${1:?usage: cli_test.sh RIG}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
expect_rc() { # expect_rc WANT DESCRIPTION CMD...
  local want=$1 what=$2; shift 2
  "$@" >"$WORK/stdout" 2>"$WORK/stderr"; local rc=$?
  if [ "$rc" = "$want" ]; then ok; else bad "$what: exit $rc, want $want"; sed 's/^/    /' "$WORK/stderr" | head -20; fi
}

EX="$ROOT/examples/webapp-sidecars/webapp.rig"
cat > "$WORK/bad.rig" <<'R'
pod broken {
  container app { imgae = "nginx:1.27" }
}
R

expect_rc 0 "version" "$RIG" version
expect_rc 2 "no command" "$RIG"
expect_rc 2 "unknown command" "$RIG" frobnicate "$EX"
expect_rc 2 "unknown option" "$RIG" build --frobnicate "$EX"
expect_rc 2 "missing input file" "$RIG" check "$WORK/missing.rig"
expect_rc 2 "bad --k8s" "$RIG" check --k8s 1.99 "$EX"
expect_rc 0 "check a good file" "$RIG" check "$EX"
expect_rc 1 "check a bad file" "$RIG" check "$WORK/bad.rig"
grep -q "E0102" "$WORK/stderr" && ok || bad "bad file: no E0102 in diagnostics"
grep -q "did you mean \`image\`" "$WORK/stderr" && ok || bad "bad file: no did-you-mean"

# rig fmt: prints, rewrites with -w, reports with --check; a file with
# syntax errors is reported and left untouched.
printf 'pod   web{container c{image="x:1"}}\n' > "$WORK/ugly.rig"
expect_rc 0 "fmt prints" "$RIG" fmt "$WORK/ugly.rig"
grep -qx 'pod web { container c { image = "x:1" } }' "$WORK/stdout" && ok || bad "fmt: unexpected output: $(cat "$WORK/stdout")"
expect_rc 1 "fmt --check on an unformatted file" "$RIG" fmt --check "$WORK/ugly.rig"
grep -q "ugly.rig" "$WORK/stdout" && ok || bad "fmt --check: file not named"
expect_rc 0 "fmt -w" "$RIG" fmt -w "$WORK/ugly.rig"
expect_rc 0 "fmt --check after -w" "$RIG" fmt --check "$WORK/ugly.rig"
printf 'pod broken {\n' > "$WORK/broken.rig"
cp "$WORK/broken.rig" "$WORK/broken.orig"
expect_rc 1 "fmt -w on a syntax error" "$RIG" fmt -w "$WORK/broken.rig"
cmp -s "$WORK/broken.rig" "$WORK/broken.orig" && ok || bad "fmt -w changed a file with syntax errors"
expect_rc 2 "fmt -w with --check" "$RIG" fmt -w --check "$WORK/ugly.rig"

# A directory stands for its .rig files.
expect_rc 0 "build a directory" "$RIG" build -o "$WORK/dirout" "$ROOT/examples/webapp-sidecars"
[ -f "$WORK/dirout/pod-webapp-with-sidecar.yaml" ] && ok || bad "directory build: manifest missing"
mkdir -p "$WORK/emptydir"
expect_rc 2 "directory without .rig files" "$RIG" check "$WORK/emptydir"

# Build writes the layout and a kustomization.
expect_rc 0 "build" "$RIG" build -o "$WORK/out" "$EX"
[ -f "$WORK/out/pod-webapp-with-sidecar.yaml" ] && ok || bad "build: manifest missing"
[ -f "$WORK/out/kustomization.yaml" ] && ok || bad "build: kustomization.yaml missing"

# AppArmor: profile text beside the manifests (not in kustomization.yaml),
# the node loader, and --no-apparmor-loader.
AA="$ROOT/examples/apparmor-nginx-strict"
expect_rc 0 "build apparmor" "$RIG" build -o "$WORK/aa" "$AA"
[ -f "$WORK/aa/apparmor/k8s-nginx-strict" ] && ok || bad "apparmor: profile text missing"
[ -f "$WORK/aa/kube-system/daemonset-rig-apparmor-loader.yaml" ] && ok || bad "apparmor: loader missing"
grep -q apparmor/ "$WORK/aa/kustomization.yaml" && bad "apparmor: profile listed in kustomization.yaml" || ok
expect_rc 0 "build apparmor without loader" "$RIG" build --no-apparmor-loader -o "$WORK/aa2" "$AA"
[ -f "$WORK/aa2/apparmor/k8s-nginx-strict" ] && ok || bad "--no-apparmor-loader: profile text missing"
[ ! -e "$WORK/aa2/kube-system" ] && ok || bad "--no-apparmor-loader: loader still emitted"

# All or nothing: a failing build leaves the existing output untouched.
before=$(cd "$WORK/out" && find . -type f -exec md5sum {} + | sort)
expect_rc 1 "failing build" "$RIG" build -o "$WORK/out" "$WORK/bad.rig"
after=$(cd "$WORK/out" && find . -type f -exec md5sum {} + | sort)
[ "$before" = "$after" ] && ok || bad "failing build changed the output directory"
expect_rc 1 "failing build to a new dir" "$RIG" build -o "$WORK/never" "$WORK/bad.rig"
[ ! -e "$WORK/never" ] && ok || bad "failing build created its output directory"

# Deterministic: byte-identical across runs.
expect_rc 0 "second build" "$RIG" build -o "$WORK/out2" "$EX"
diff -r -x .rig-output "$WORK/out" "$WORK/out2" >/dev/null && ok || bad "two builds differ"

# Refuses to replace a directory it did not write.
mkdir -p "$WORK/precious" && echo keep > "$WORK/precious/notes.txt"
expect_rc 2 "foreign output dir" "$RIG" build -o "$WORK/precious" "$EX"
[ -f "$WORK/precious/notes.txt" ] && ok || bad "foreign directory was touched"

# Stream to stdout, YAML and JSON.
expect_rc 0 "stream" "$RIG" build -o - "$EX"
grep -q "^kind: Pod" "$WORK/stdout" && ok || bad "stream: no Pod"
expect_rc 0 "json stream" "$RIG" build --format json -o - "$EX"
grep -q '"kind": "List"' "$WORK/stdout" && ok || bad "json stream: no List"

# Diagnostics as JSON and SARIF.
expect_rc 1 "json diagnostics" "$RIG" check --diagnostics json "$WORK/bad.rig"
grep -q '"code": "E0102"' "$WORK/stderr" && ok || bad "json diagnostics: no code"
expect_rc 1 "sarif diagnostics" "$RIG" check --diagnostics sarif "$WORK/bad.rig"
grep -q '"version": "2.1.0"' "$WORK/stderr" && ok || bad "sarif: no version"

# --werror turns warnings into errors.
cat > "$WORK/warn.rig" <<'R'
pod warn {
  volume unused = empty_dir()
  container app { image = "nginx:1.27" }
}
R
expect_rc 0 "warning only" "$RIG" check "$WORK/warn.rig"
expect_rc 1 "warning with --werror" "$RIG" check --werror "$WORK/warn.rig"

# Explain shows the QoS class and the start order.
expect_rc 0 "explain" "$RIG" explain "$EX"
grep -q "qos: Burstable" "$WORK/stdout" && ok || bad "explain: no QoS"
grep -q "2. sidecar fluent-bit" "$WORK/stdout" && ok || bad "explain: no start order"

# Depfile.
expect_rc 0 "depfile" "$RIG" build -o "$WORK/out3" --depfile "$WORK/out3.d" "$EX"
grep -q "webapp.rig" "$WORK/out3.d" && ok || bad "depfile lacks the input"
# Rebuilt into the same directory, the build compares with its own output:
# the depfile must not list it (the target would depend on itself).
expect_rc 0 "depfile, previous is the output" "$RIG" build -o "$WORK/out3" --depfile "$WORK/out3b.d" "$EX"
cut -d: -f2- "$WORK/out3b.d" | grep -q "out3/" && bad "depfile lists the output it compares with" || ok
# With --previous DIR elsewhere, the claim manifests read there are inputs too.
UP3="$ROOT/examples/ebs-iops-upgrade-3k/postgres.rig"
UP10="$ROOT/examples/ebs-iops-upgrade-10k/postgres.rig"
expect_rc 0 "build the 3k upgrade" "$RIG" build -o "$WORK/up3" "$UP3"
expect_rc 0 "depfile with --previous" "$RIG" build -o "$WORK/up10" --previous "$WORK/up3" --depfile "$WORK/up10.d" "$UP10"
grep -q "up3/.*claim.*postgres-data" "$WORK/up10.d" && ok || bad "depfile lacks the previous claim: $(cat "$WORK/up10.d")"

# Hostile inputs: empty, binary, huge; each an error, never a crash.
: > "$WORK/empty.rig"
expect_rc 1 "empty file" "$RIG" check "$WORK/empty.rig"
head -c 4096 /dev/urandom > "$WORK/binary.rig"
expect_rc 1 "binary file" "$RIG" check "$WORK/binary.rig"
yes 'pod p { container c { image = "x:1" } }' | head -c 10485760 > "$WORK/big.rig"
expect_rc 1 "10 MB file" timeout 120 "$RIG" check "$WORK/big.rig"

# Storage: a build into an existing rig output compares claims with what it
# wrote before; the storage class of a claim cannot change (E0609), its
# attributes class can. --previous names the directory explicitly, and
# --no-previous turns the comparison off.
UP3="$ROOT/examples/ebs-iops-upgrade-3k"
UP10="$ROOT/examples/ebs-iops-upgrade-10k"
expect_rc 0 "storage: first build" "$RIG" build -o "$WORK/pvc" "$UP3"
expect_rc 0 "storage: attributes class change accepted" "$RIG" build -o "$WORK/pvc" "$UP10"
grep -q "volumeAttributesClassName: ebs-gp3-10k-iops" "$WORK/pvc/db/persistentvolumeclaim-postgres-data.yaml" && ok || bad "storage: upgraded claim not written"
sed 's/storage_class = ebs_gp3_default$/storage_class = "ebs-io2"/' "$UP10/postgres.rig" > "$WORK/moved.rig"
expect_rc 1 "storage: storage class change refused" "$RIG" build -o "$WORK/pvc" "$WORK/moved.rig"
grep -q "E0609" "$WORK/stderr" && ok || bad "storage: no E0609"
grep -q "volumeAttributesClassName: ebs-gp3-10k-iops" "$WORK/pvc/db/persistentvolumeclaim-postgres-data.yaml" && ok || bad "storage: refused build touched the output"
expect_rc 1 "storage: check --previous" "$RIG" check --previous "$WORK/pvc" "$WORK/moved.rig"
expect_rc 0 "storage: check without previous" "$RIG" check "$WORK/moved.rig"
expect_rc 0 "storage: --no-previous" "$RIG" build --no-previous -o "$WORK/pvc" "$WORK/moved.rig"
expect_rc 2 "storage: --previous without a directory" "$RIG" check "$WORK/moved.rig" --previous

# A claim is mounted only from its own namespace (files set namespaces).
printf 'claim shared { size = 1Gi, access_modes = [ReadWriteMany], storage_class = "efs-sc" }\n' > "$WORK/ns1.rig"
printf 'namespace "shop"\npod p {\n  volume s = claim(shared)\n  container a {\n    image = "x:1"\n    mount s at "/s"\n  }\n}\n' > "$WORK/ns2.rig"
expect_rc 1 "storage: claim from another namespace" "$RIG" check "$WORK/ns1.rig" "$WORK/ns2.rig"
grep -q "declared in namespace \`default\`" "$WORK/stderr" && ok || bad "storage: no note naming the claim's namespace"
sed 's/namespace "shop"//' "$WORK/ns2.rig" > "$WORK/ns3.rig"
expect_rc 0 "storage: claim from the same namespace" "$RIG" check "$WORK/ns1.rig" "$WORK/ns3.rig"

# `rig lsp` takes the flags editor clients add (vscode-languageclient
# appends --stdio) and refuses other options.
lsp_session() {
  init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'
  down='{"jsonrpc":"2.0","id":2,"method":"shutdown"}'
  bye='{"jsonrpc":"2.0","method":"exit"}'
  for m in "$init" "$down" "$bye"; do printf 'Content-Length: %d\r\n\r\n%s' "${#m}" "$m"; done
}
lsp_session | "$RIG" lsp --stdio > "$WORK/lsp.out" 2> "$WORK/stderr"; rc=$?
[ "$rc" = 0 ] && grep -q '"capabilities"' "$WORK/lsp.out" && ok || bad "lsp --stdio: rc $rc"
lsp_session | "$RIG" lsp --stdio --clientProcessId 42 > "$WORK/lsp.out" 2> "$WORK/stderr"; rc=$?
[ "$rc" = 0 ] && ok || bad "lsp --clientProcessId: rc $rc"
expect_rc 2 "lsp with an unknown option" "$RIG" lsp --socket=5000

# The README's example compiles.
awk '/^```rig$/{on=1;next} /^```$/{on=0} on' "$ROOT/README.md" > "$WORK/readme.rig"
[ -s "$WORK/readme.rig" ] && ok || bad "README has no rig example"
expect_rc 0 "README example" "$RIG" check --werror "$WORK/readme.rig"

# Z3 is a module (librig_solver_z3.so) loaded by the first solver query:
# `rig version` and a build without queries never map it; a job with
# failure rules does. With the module missing (RIG_SOLVER_MODULE points the
# loader elsewhere), solver findings turn inconclusive, naming the library
# and the loader's error, and builds without queries are unaffected.
JOBS="$ROOT/examples/job-failure-policy"
LD_DEBUG=files "$RIG" version 2>&1 | grep -q "libz3" && bad "rig version loads libz3" || ok
LD_DEBUG=files "$RIG" build -o - "$EX" 2>&1 >/dev/null | grep -q "librig_solver_z3" && bad "a build without solver queries loads the solver module" || ok
LD_DEBUG=files "$RIG" check "$JOBS" 2>&1 | grep -q "librig_solver_z3" && ok || bad "failure rules did not load the solver module"
export RIG_SOLVER_MODULE=/nonexistent/librig_solver_z3.so
expect_rc 0 "failure rules without the solver module" "$RIG" check "$JOBS"
grep -q "W0504" "$WORK/stderr" && ok || bad "no solver module: no W0504 inconclusive"
grep -q "cannot load the Z3 solver module .librig_solver_z3.so.: /nonexistent/librig_solver_z3.so: cannot open shared object file" "$WORK/stderr" \
  && ok || bad "no solver module: reason does not name the library and the loader's error: $(cat "$WORK/stderr")"
# A placement only Z3 can refute is "not proved", never "fits".
expect_rc 0 "GPU placement without the solver module" "$RIG" check "$ROOT/tests/golden/check/fail_placement_capacity.rig"
grep -q "W0701" "$WORK/stderr" && grep -q "cannot load the Z3 solver module" "$WORK/stderr" && ok \
  || bad "no solver module: placement not inconclusive with the reason: $(cat "$WORK/stderr")"
"$RIG" build -o - "$EX" > "$WORK/nomodule.yaml" 2>&1 && ok || bad "no solver module: a build without queries failed"
unset RIG_SOLVER_MODULE
"$RIG" build -o - "$EX" > "$WORK/module.yaml" 2>&1
cmp -s "$WORK/module.yaml" "$WORK/nomodule.yaml" && ok || bad "no solver module: a build without queries changed"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
