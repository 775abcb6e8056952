#!/usr/bin/env python3
"""Writes a GPU placement benchmark input: a cluster of NODES nodes with 8 GPUs
each (60% DGX H100 with one NVLink domain of 8, 30% H100 PCIe in NVLink pairs,
10% DGX H100 in MIG mode) and REQUESTS GPU requests, one per workload, each run
by REPLICAS pods. Request sizes cycle through 1, 2, 4 (same NVLink domain),
8 (same NVLink domain, >= 900 GB/s) full GPUs and one MIG 3g.40gb instance.

usage: gen.py NODES REQUESTS REPLICAS > file.rig
"""
import sys

nodes, requests, replicas = (int(a) for a in sys.argv[1:4])
dgx = nodes * 6 // 10
pairs = nodes * 3 // 10
mig = nodes - dgx - pairs
out = ['target kubernetes "1.34"', 'namespace "bench"', '']
out += [
    'device_class h100 { model = "NVIDIA H100 80GB HBM3" }',
    'device_class h100_pcie { model = "NVIDIA H100 PCIe" }',
    'device_class any_h100 { architecture = "Hopper" }',
    'device_class h100_mig_3g { model = "NVIDIA H100 80GB HBM3", mig = "3g.40gb" }',
    '',
    'node_shape dgx_h100 { gpus = 8, model = "NVIDIA H100 80GB HBM3", architecture = "Hopper", '
    'memory = 80Gi, nvlink_domain = 8, link_bandwidth = 900GB/s, pcie_root = 2 }',
    'node_shape pcie_pairs { gpus = 8, model = "NVIDIA H100 PCIe", architecture = "Hopper", '
    'memory = 80Gi, nvlink_domain = 2, link_bandwidth = 600GB/s, pcie_root = 4 }',
    'node_shape dgx_mig { gpus = 8, model = "NVIDIA H100 80GB HBM3", architecture = "Hopper", '
    'memory = 80Gi, mig = true }',
    '',
    'cluster pool {',
]
if dgx:
    out.append(f'  node dgx[1..{dgx}] = dgx_h100')
if pairs:
    out.append(f'  node pcie[1..{pairs}] = pcie_pairs')
if mig:
    out.append(f'  node mig[1..{mig}] = dgx_mig')
out += ['}', '']
kinds = [
    'gpus g { class = any_h100 }',
    'gpus g { count = 2, class = h100_pcie, same nvlink_domain }',
    'gpus g { count = 4, class = h100, same nvlink_domain }',
    'gpus g { count = 8, class = h100, min_bandwidth = 900GB/s, same nvlink_domain }',
    'gpus g { class = h100_mig_3g }',
]
for i in range(requests):
    out.append(f'deployment w{i} {{')
    out.append(f'  replicas = {replicas}')
    out.append('  ' + kinds[i % len(kinds)])
    out.append('  container c { image = "nvcr.io/nvidia/pytorch:24.09-py3", uses g }')
    out.append('}')
print('\n'.join(out))
