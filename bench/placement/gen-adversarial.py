#!/usr/bin/env python3
"""Writes a GPU placement input that first-fit cannot place: NODES nodes of 8
H100 80 GB GPUs in MIG mode and REQUESTS workloads whose pods fill every GPU
exactly. KIND says which:

  fits    a third of the workloads ask for 3g.40gb, two thirds for 2g.20gb;
          8 × NODES pods of 3g and 16 × NODES of 2g. Each GPU must hold one
          3g at slice 4 and two 2g at slices 0 and 2; first-fit puts two 3g
          on one GPU and runs out. A placement exists: the solver must find it.
  refute  4g.40gb pods, one more than there are GPUs, and as many 1g.10gb:
          every compute and memory capacity holds, but a GPU takes one 4g.
          No placement exists: the solver must refute it.

usage: gen-adversarial.py NODES REQUESTS KIND > file.rig
"""
import sys

nodes, requests, kind = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
gpus = nodes * 8
if kind == 'fits':
    groups = [('h100_3g', gpus, requests // 3), ('h100_2g', 2 * gpus, requests - requests // 3)]
elif kind == 'refute':
    groups = [('h100_4g', gpus + 1, requests // 2), ('h100_1g', gpus, requests - requests // 2)]
else:
    sys.exit('KIND is fits or refute')
out = ['target kubernetes "1.34"', 'namespace "bench"', '']
for name, profile in [('h100_4g', '4g.40gb'), ('h100_3g', '3g.40gb'), ('h100_2g', '2g.20gb'), ('h100_1g', '1g.10gb')]:
    out.append(f'device_class {name} {{ model = "NVIDIA H100 80GB HBM3", mig = "{profile}" }}')
out += ['', 'node_shape dgx_mig { gpus = 8, model = "NVIDIA H100 80GB HBM3", architecture = "Hopper", '
        'memory = 80Gi, mig = true }', '', f'cluster pool {{ node mig[1..{nodes}] = dgx_mig }}', '']
w = 0
for cls, pods, workloads in groups:
    # `pods` pods over `workloads` deployments, as evenly as replicas allow.
    for i in range(workloads):
        replicas = pods // workloads + (1 if i < pods % workloads else 0)
        if replicas == 0:
            continue
        out.append(f'deployment w{w} {{ replicas = {replicas}; gpus g {{ class = {cls} }}; '
                   'container c { image = "nvcr.io/nvidia/pytorch:24.09-py3", uses g } }')
        w += 1
print('\n'.join(out))
