#!/usr/bin/env python3
"""Write the large training input of the profile-guided build (scripts/pgo-build.sh).

N workloads of every kind, each drawn from a fixed pseudo-random sequence so
the file is the same on every machine: deployments, statefulsets,
daemonsets, jobs and cronjobs with init containers, native sidecars (some
started `after` another), env from literals, secrets, config maps and
fields, named ports, readiness probes (HTTP and exec), empty_dir,
config_map and secret volumes and their mounts, security settings,
AppArmor profiles, labels and annotations, commands, requests and limits.
It is not the benchmark's input (bench/gen-workloads.py, one Deployment
shape repeated): the profile is meant to describe the compiler on the
programs people write, the large-file path included.

usage: pgo-corpus.py N [-o FILE | --files DIR]
"""
import argparse
import os
import random
import sys

IMAGES = ["nginx:1.27", "postgres:16", "redis:7.2", "envoyproxy/envoy:v1.30", "fluent/fluent-bit:3.0",
          "ghcr.io/acme/api:2.4.1", "registry.example.com:5000/team/worker@sha256:" + "ab" * 32, "busybox:1.36"]
CPU = ["50m", "100m", "250m", "500m", "1", "2", "1500m"]
MEM = ["64Mi", "128Mi", "256Mi", "512Mi", "1Gi", "2Gi", "1536Mi"]


def container(r, role, name, volumes, mounted, after=None, mount_rest=False):
    lines = [f"  {role} {name}" + (f" after {after}" if after else "") + " {"]
    lines.append(f'    image = "{r.choice(IMAGES)}"')
    if r.random() < 0.3:
        lines.append(f'    command = ["/bin/{name}", "--port", "{r.randint(1024, 9000)}"]')
    if r.random() < 0.3:
        lines.append(f'    args = ["--log-level", "{r.choice(["info", "debug", "warn"])}"]')
    if role != "init" and r.random() < 0.7:
        lines.append(f"    port http = {r.choice([80, 8080, 9090, 3000])}")
    if r.random() < 0.3:
        lines.append(f"    port metrics = {r.randint(9100, 9199)}")
    for k in range(r.randint(0, 4)):
        kind = r.randrange(4)
        if kind == 0:
            lines.append(f'    env VAR_{k} = "value-{r.randint(0, 999)}"')
        elif kind == 1:
            lines.append(f'    env SECRET_{k} = secret("creds-{r.randint(0, 9)}", "key-{k}")')
        elif kind == 2:
            lines.append(f'    env CONFIG_{k} = config_map("settings-{r.randint(0, 9)}", "entry-{k}")')
        else:
            lines.append(f'    env POD_{k} = field("metadata.name")')
    if role != "init" and r.random() < 0.4:
        lines.append('    readiness { http_get "/healthz" port http }' if "port http" in "\n".join(lines)
                     else '    readiness { exec = ["/bin/true"] }')
    q = r.randrange(3)
    # Limits at or above the requests (CPU and MEM are in increasing order
    # but for their last entry).
    cpu, mem = r.randrange(len(CPU) - 1), r.randrange(len(MEM) - 1)
    if q >= 1:
        lines.append(f"    requests {{ cpu = {CPU[cpu]}, memory = {MEM[mem]} }}")
    if q == 2:
        lines.append(f"    limits {{ cpu = {CPU[r.randrange(cpu, len(CPU) - 1)]}, memory = {MEM[r.randrange(mem, len(MEM) - 1)]} }}")
    if r.random() < 0.3:
        lines.append('    apparmor = localhost("k8s-profile-%d")' % r.randint(0, 3))
    if r.random() < 0.3:
        lines.append("    security {")
        lines.append("      run_as_non_root = true")
        lines.append(f"      run_as_user = {r.randint(1000, 2000)}")
        lines.append("      allow_privilege_escalation = false")
        lines.append("      read_only_root_filesystem = true")
        lines.append("      capabilities { drop = [ALL] }")
        lines.append("    }")
    for v in volumes:
        if r.random() < 0.5 or (mount_rest and v not in mounted):
            mounted.add(v)
            lines.append(f'    mount {v} at "/mnt/{v}"' + (" readonly" if r.random() < 0.3 else ""))
    lines.append("  }")
    return lines


def workload(r, i):
    kind = r.choices(["deployment", "statefulset", "daemonset", "job", "cronjob"], [5, 2, 1, 1, 1])[0]
    name = f"{kind[:3]}_{i}"
    lines = [f"{kind} {name} {{"]
    if kind in ("deployment", "statefulset"):
        lines.append(f"  replicas = {r.randint(1, 5)}")
    if kind == "statefulset":
        lines.append(f'  service_name = "{name.replace("_", "-")}"')
    if kind == "job":
        lines.append(f"  completions = {r.randint(1, 8)}")
        lines.append(f"  backoff_limit = {r.randint(0, 6)}")
    if kind == "cronjob":
        lines.append(f'  schedule = "{r.randint(0, 59)} {r.randint(0, 23)} * * *"')
        lines.append("  concurrency_policy = Forbid")
    if r.random() < 0.5:
        lines.append(f'  labels {{ tier = "{r.choice(["web", "data", "batch"])}", "app.kubernetes.io/part-of" = "shop" }}')
    if r.random() < 0.3:
        lines.append(f'  annotations {{ "example.com/owner" = "team-{r.randint(0, 9)}" }}')
    volumes = []
    for k in range(r.randint(0, 3)):
        v = f"vol_{k}"
        volumes.append(v)
        lines.append(r.choice([f"  volume {v} = empty_dir()", f'  volume {v} = config_map("cfg-{k}")',
                               f'  volume {v} = secret("sec-{k}")']))
    mounted = set()
    if r.random() < 0.3:
        lines += container(r, "init", "migrate", volumes, mounted)
    sidecars = []
    for k in range(r.choices([0, 1, 2], [4, 3, 3])[0]):
        s = f"side_{k}"
        lines += container(r, "sidecar", s, volumes, mounted, after=sidecars[-1] if sidecars and r.random() < 0.5 else None)
        sidecars.append(s)
    for k in range(r.choices([1, 2], [4, 1])[0]):
        # The first main container mounts whatever no other did.
        lines += container(r, "container", f"main_{k}", volumes, mounted, mount_rest=k == 0)
    lines.append("}")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("-o", dest="out")
    ap.add_argument("--files", metavar="DIR", help="one file per workload in DIR")
    a = ap.parse_args()
    r = random.Random(20261130)
    head = ["// Training input of the profile-guided build (scripts/pgo-corpus.py)", 'target kubernetes "1.31"']
    if a.files:
        os.makedirs(a.files, exist_ok=True)
        for i in range(a.n):
            with open(os.path.join(a.files, f"w{i:05d}.rig"), "w") as f:
                f.write("\n".join(head + workload(r, i)) + "\n")
        return
    out = list(head)
    for i in range(a.n):
        out += workload(r, i)
    text = "\n".join(out) + "\n"
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
