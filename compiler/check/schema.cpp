#include "compiler/check/schema.h"

#include <algorithm>

namespace rig::sema {

namespace {

std::vector<BlockSpec> makeSpecs() {
  std::vector<BlockSpec> specs;
  specs.push_back({BlockKind::File, "file",
                   {},
                   {
                       {"target", "kubernetes \"X.Y\"", "", "the Kubernetes version to emit for (default 1.31)"},
                       {"namespace", "string", "metadata.namespace", "the namespace of every object in this file"},
                       {"pod", "workload", "Pod", "a bare Pod"},
                       {"deployment", "workload", "apps/v1 Deployment", "a replicated, rolling-updated workload"},
                       {"statefulset", "workload", "apps/v1 StatefulSet", "pods with stable identity and storage"},
                       {"daemonset", "workload", "apps/v1 DaemonSet", "one pod on every node"},
                       {"job", "workload", "batch/v1 Job", "pods that run to completion"},
                       {"cronjob", "workload", "batch/v1 CronJob", "a Job on a schedule"},
                       {"storage_class", "storage class", "storage.k8s.io/v1 StorageClass", "how volumes are provisioned: driver, parameters, reclaim policy"},
                       {"volume_attributes", "volume attributes class", "storage.k8s.io VolumeAttributesClass", "attributes a driver can change on a live volume (IOPS, throughput)"},
                       {"claim", "claim", "v1 PersistentVolumeClaim", "a persistent volume claim"},
                       {"storage_limits", "classic | late_2025", "", "which published driver limits storage checks use (default classic)"},
                       {"apparmor", "profile", "out/apparmor/NAME", "an AppArmor profile, loaded on the nodes and referenced with `apparmor = NAME`"},
                   }});
  specs.push_back({BlockKind::AppArmorProfile, "apparmor profile",
                   {},
                   {
                       {"flags", "flags", "flags=(…)", "profile flags: attach_disconnected, mediate_deleted, chroot_relative, complain, enforce, kill, audit"},
                       {"mode", "complain | enforce | kill", "flags=(…)", "the profile's mode (default enforce)"},
                       {"include", "abstractions.NAME", "include <abstractions/NAME>", "rules from an abstraction Debian's apparmor package ships"},
                       {"variable", "variable", "@{NAME} = …", "`variable NAME \"/a\", \"/b\"`, used in paths as `@{NAME}`"},
                       {"allow", "rule", "", "an allow rule: file permissions, exec, capability, network, mount, ptrace, signal, unix, change_profile"},
                       {"deny", "rule", "deny …", "a deny rule; deny always wins over allow"},
                       {"audit", "rule", "audit …", "`audit allow …` / `audit deny …`: log when the rule applies"},
                       {"device_class", "device class", "resource.k8s.io DeviceClass", "a class of GPUs: model, memory, architecture, MIG profile, sharing"},
                       {"node_shape", "node shape", "", "the GPUs of a kind of node, for the placement proof"},
                       {"gpu_claim", "gpu request", "resource.k8s.io ResourceClaim", "GPUs allocated once and shared by every pod whose workload says `gpus NAME = CLAIM`"},
                       {"cluster", "cluster", "", "the nodes GPU requests are proved to fit on"},
                   }});
  specs.push_back({BlockKind::Workload, "workload",
                   {
                       {"replicas", "int", "spec.replicas", "how many pods (deployment, statefulset)"},
                       {"labels", "map", "metadata.labels", "labels on the object and its pods; `app` is derived from the name"},
                       {"annotations", "map", "metadata.annotations", "annotations on the object"},
                       {"pod_annotations", "map", "spec.template.metadata.annotations", "annotations on the pods"},
                       {"termination_grace_period", "duration", "spec.terminationGracePeriodSeconds", "time between SIGTERM and SIGKILL, shared by all containers"},
                       {"restart_policy", "Always | OnFailure | Never", "spec.restartPolicy", "pod restart policy (pods and jobs)"},
                       {"service_account", "string", "spec.serviceAccountName", "the service account the pods run as"},
                       {"service_name", "string", "spec.serviceName", "the governing headless service (statefulset)"},
                       {"node_selector", "map", "spec.nodeSelector", "node labels the pods must run on"},
                       {"host_network", "bool", "spec.hostNetwork", "use the node's network namespace"},
                       {"apparmor", "runtime_default | unconfined | NAME | localhost(\"name\")", "spec.securityContext.appArmorProfile", "the pod's AppArmor profile"},
                       {"seccomp", "runtime_default | unconfined", "spec.securityContext.seccompProfile", "the pod's seccomp profile"},
                       {"completions", "int", "spec.completions", "successful pods needed (job)"},
                       {"parallelism", "int", "spec.parallelism", "pods running at once (job)"},
                       {"backoff_limit", "int", "spec.backoffLimit", "retries before the job fails (job)"},
                       {"active_deadline", "duration", "spec.activeDeadlineSeconds", "time limit for the whole job"},
                       {"ttl_after_finished", "duration", "spec.ttlSecondsAfterFinished", "delete the job this long after it finishes"},
                       {"completion_mode", "NonIndexed | Indexed", "spec.completionMode", "Indexed gives each pod an index 0..completions-1 (job)"},
                       {"backoff_limit_per_index", "int", "spec.backoffLimitPerIndex", "retries per index before the index fails (Indexed job, 1.29+)"},
                       {"max_failed_indexes", "int", "spec.maxFailedIndexes", "failed indexes tolerated before the whole job fails (needs backoff_limit_per_index)"},
                       {"success_policy", "{succeeded_indexes: \"0,2-5\", succeeded_count: N} | list", "spec.successPolicy.rules", "when an Indexed job counts as succeeded early (1.31+)"},
                       {"pod_replacement_policy", "TerminatingOrFailed | Failed", "spec.podReplacementPolicy", "when a replacement pod is created (job)"},
                       {"schedule", "cron", "spec.schedule", "when the cronjob runs: five fields or a macro such as @hourly"},
                       {"time_zone", "string", "spec.timeZone", "the schedule's time zone"},
                       {"concurrency_policy", "Allow | Forbid | Replace", "spec.concurrencyPolicy", "what to do when runs overlap"},
                       {"suspend", "bool", "spec.suspend", "stop scheduling new runs"},
                       {"successful_jobs_history", "int", "spec.successfulJobsHistoryLimit", "finished jobs to keep"},
                       {"failed_jobs_history", "int", "spec.failedJobsHistoryLimit", "failed jobs to keep"},
                       {"starting_deadline", "duration", "spec.startingDeadlineSeconds", "how late a missed run may still start"},
                   },
                   {
                       {"container", "container", "spec.containers[]", "a main container"},
                       {"sidecar", "container", "spec.initContainers[] (restartPolicy: Always)", "a native sidecar: starts before the main containers, in order, and runs beside them"},
                       {"init", "container", "spec.initContainers[]", "an init container: runs to completion before the next one starts"},
                       {"volume", "volume", "spec.volumes[]", "a volume: empty_dir(), config_map(\"name\"), secret(\"name\"), claim(\"name\"), host_path(\"/path\")"},
                       {"labels", "map", "metadata.labels", "labels on the object and its pods"},
                       {"annotations", "map", "metadata.annotations", "annotations on the object"},
                       {"pod_annotations", "map", "spec.template.metadata.annotations", "annotations on the pods"},
                       {"node_selector", "map", "spec.nodeSelector", "node labels the pods must run on"},
                       {"security", "block", "spec.securityContext", "the pod security context"},
                       {"claim_template", "claim", "spec.volumeClaimTemplates[]", "a claim per pod, mounted by its name (statefulset)"},
                       {"gpus", "gpu request", "spec.resourceClaims[] + ResourceClaimTemplate", "GPUs for each pod: `gpus NAME { count = 8, class = h100, same nvlink_domain }`, or a shared claim: `gpus NAME = CLAIM`"},
                   }});
  specs.push_back({BlockKind::Container, "container",
                   {
                       {"image", "string", "image", "the container image"},
                       {"image_pull_policy", "Always | IfNotPresent | Never", "imagePullPolicy", "when the kubelet pulls the image"},
                       {"command", "list", "command", "the entrypoint (replaces the image's ENTRYPOINT)"},
                       {"args", "list", "args", "arguments (replace the image's CMD)"},
                       {"working_dir", "string", "workingDir", "the working directory"},
                       {"port", "int", "ports[].containerPort", "an unnamed port"},
                       {"apparmor", "runtime_default | unconfined | NAME | localhost(\"name\")", "securityContext.appArmorProfile", "the container's AppArmor profile"},
                       {"seccomp", "runtime_default | unconfined", "securityContext.seccompProfile", "the container's seccomp profile"},
                       {"env", "map", "env[]", "environment variables"},
                   },
                   {
                       {"env", "env", "env[]", "an environment variable: a string, secret(\"obj\", \"key\"), config_map(\"obj\", \"key\"), field(\"metadata.name\") or resource(\"limits.cpu\")"},
                       {"port", "port", "ports[]", "a named port: `port http = 8080`"},
                       {"requests", "resources", "resources.requests", "resources the scheduler reserves"},
                       {"limits", "resources", "resources.limits", "the most the container may use"},
                       {"mount", "mount", "volumeMounts[]", "`mount VOLUME at \"/path\" [readonly]`"},
                       {"liveness", "probe", "livenessProbe", "restart the container when this fails"},
                       {"readiness", "probe", "readinessProbe", "take the pod out of service when this fails"},
                       {"startup", "probe", "startupProbe", "hold other probes (and the next sidecar) until this succeeds"},
                       {"post_start", "hook", "lifecycle.postStart", "runs right after the container starts"},
                       {"pre_stop", "hook", "lifecycle.preStop", "runs before the container is stopped"},
                       {"security", "block", "securityContext", "the container security context"},
                       {"uses", "gpu request", "resources.claims[]", "`uses NAME`: give this container the workload's GPU request NAME"},
                   }});
  specs.push_back({BlockKind::Probe, "probe",
                   {
                       {"exec", "list", "exec.command", "a command; exit 0 is success"},
                       {"initial_delay", "duration", "initialDelaySeconds", "wait before the first probe"},
                       {"period", "duration", "periodSeconds", "time between probes"},
                       {"timeout", "duration", "timeoutSeconds", "how long one probe may take"},
                       {"success_threshold", "int", "successThreshold", "successes in a row to count as passing"},
                       {"failure_threshold", "int", "failureThreshold", "failures in a row to count as failing"},
                       {"termination_grace_period", "duration", "terminationGracePeriodSeconds", "grace period when this probe kills the container"},
                   },
                   {
                       {"http_get", "action", "httpGet", "`http_get \"/path\" port 8080 [scheme HTTPS]`"},
                       {"tcp_socket", "action", "tcpSocket", "`tcp_socket port 8080`"},
                       {"grpc", "action", "grpc", "`grpc port 9090 [service \"name\"]`"},
                   }});
  specs.push_back({BlockKind::LifecycleHook, "hook",
                   {
                       {"exec", "list", "exec.command", "a command to run in the container"},
                       {"sleep", "duration", "sleep.seconds", "pause (Kubernetes 1.30+)"},
                   },
                   {
                       {"http_get", "action", "httpGet", "`http_get \"/path\" port 8080`"},
                       {"tcp_socket", "action", "tcpSocket", "`tcp_socket port 8080` (deprecated for hooks)"},
                   }});
  specs.push_back({BlockKind::Security, "security",
                   {
                       {"run_as_user", "int", "runAsUser", "the UID the process runs as"},
                       {"run_as_group", "int", "runAsGroup", "the GID the process runs as"},
                       {"run_as_non_root", "bool", "runAsNonRoot", "refuse to start as UID 0"},
                       {"read_only_root_filesystem", "bool", "readOnlyRootFilesystem", "mount the root filesystem read-only"},
                       {"allow_privilege_escalation", "bool", "allowPrivilegeEscalation", "allow setuid binaries to gain privileges"},
                       {"privileged", "bool", "privileged", "run with all host privileges"},
                   },
                   {
                       {"capabilities", "block", "capabilities", "`capabilities { add = [NET_BIND_SERVICE], drop = [ALL] }`"},
                   }});
  specs.push_back({BlockKind::Capabilities, "capabilities",
                   {
                       {"add", "list", "capabilities.add", "capabilities to add"},
                       {"drop", "list", "capabilities.drop", "capabilities to drop (`ALL` for every one)"},
                   },
                   {}});
  specs.push_back({BlockKind::PodSecurity, "pod security",
                   {
                       {"run_as_user", "int", "runAsUser", "the default UID of every container"},
                       {"run_as_group", "int", "runAsGroup", "the default GID of every container"},
                       {"run_as_non_root", "bool", "runAsNonRoot", "refuse to start containers as UID 0"},
                       {"fs_group", "int", "fsGroup", "group that owns mounted volumes"},
                   },
                   {}});
  specs.push_back({BlockKind::StringMap, "map", {}, {}});
  specs.push_back({BlockKind::ResourceMap, "resources",
                   {
                       {"cpu", "quantity", "cpu", "CPU, in cores (`2`) or millicores (`500m`)"},
                       {"memory", "quantity", "memory", "memory in bytes (`512Mi`, `2Gi`)"},
                       {"ephemeral_storage", "quantity", "ephemeral-storage", "local scratch space"},
                   },
                   {}});
  specs.push_back({BlockKind::PortOptions, "port",
                   {
                       {"protocol", "TCP | UDP | SCTP", "protocol", "the port's protocol (default TCP)"},
                       {"host_port", "int", "hostPort", "expose on the node's IP (avoid: limits scheduling)"},
                   },
                   {}});
  specs.push_back({BlockKind::MountOptions, "mount",
                   {
                       {"sub_path", "string", "subPath", "mount one path inside the volume"},
                   },
                   {}});
  specs.push_back({BlockKind::EnvBlock, "env", {}, {}});
  specs.push_back({BlockKind::StorageClass, "storage_class",
                   {
                       {"provisioner", "string", "provisioner", "the CSI driver that creates the volumes, e.g. \"ebs.csi.aws.com\""},
                       {"parameters", "map", "parameters", "driver parameters (checked against what rig knows of the driver)"},
                       {"reclaim_policy", "Delete | Retain", "reclaimPolicy", "what happens to a volume when its claim is deleted"},
                       {"binding_mode", "Immediate | WaitForFirstConsumer", "volumeBindingMode", "when a volume is provisioned"},
                       {"allow_expansion", "bool", "allowVolumeExpansion", "whether claims may grow"},
                       {"mount_options", "list", "mountOptions", "mount options for volumes of this class"},
                   },
                   {
                       {"parameters", "map", "parameters", "driver parameters"},
                   }});
  specs.push_back({BlockKind::VolumeAttributes, "volume_attributes",
                   {
                       {"driver", "string", "driverName", "the CSI driver, e.g. \"ebs.csi.aws.com\""},
                       {"parameters", "map", "parameters", "attributes the driver changes on a live volume"},
                   },
                   {
                       {"parameters", "map", "parameters", "attributes the driver changes on a live volume"},
                   }});
  specs.push_back({BlockKind::Claim, "claim",
                   {
                       {"size", "quantity", "spec.resources.requests.storage", "the requested size, e.g. `100Gi`"},
                       {"access_modes", "list", "spec.accessModes", "ReadWriteOnce | ReadOnlyMany | ReadWriteMany | ReadWriteOncePod"},
                       {"storage_class", "name or string", "spec.storageClassName", "a declared storage_class, or the name of one outside this build"},
                       {"attributes", "name or string", "spec.volumeAttributesClassName", "a declared volume_attributes class (changeable on a live claim)"},
                       {"volume_mode", "Filesystem | Block", "spec.volumeMode", "a filesystem (default) or a raw block device"},
                   },
                   {}});
  specs.push_back({BlockKind::DeviceClass, "device class",
                   {
                       {"driver", "string", "spec.selectors[].cel", "the DRA driver (default `gpu.nvidia.com`)"},
                       {"model", "string", "spec.selectors[].cel", "the GPU's `productName`, e.g. \"NVIDIA H100 80GB HBM3\""},
                       {"architecture", "string", "spec.selectors[].cel", "the GPU's `architecture`, e.g. \"Hopper\""},
                       {"min_memory", "quantity", "spec.selectors[].cel", "the least GPU `memory` capacity, e.g. 80Gi"},
                       {"mig", "string", "spec.selectors[].cel", "a MIG profile (H100 80 GB: 1g.10gb, 1g.20gb, 2g.20gb, 3g.40gb, 4g.40gb, 7g.80gb)"},
                       {"sharing", "exclusive | time_slicing", "spec.config[].opaque (GpuConfig)", "how the containers of one claim share a GPU"},
                       {"interval", "Default | Short | Medium | Long", "timeSlicingConfig.interval", "the time-slice length"},
                       {"replicas", "int", "", "time-slicing: the most containers that may share one GPU (checked by rig)"},
                   },
                   {}});
  specs.push_back({BlockKind::NodeShape, "node shape",
                   {
                       {"gpus", "int", "", "GPUs per node"},
                       {"model", "string", "", "the GPUs' product name as the driver publishes it"},
                       {"architecture", "string", "", "the GPUs' architecture"},
                       {"memory", "quantity", "", "memory per GPU"},
                       {"nvlink_domain", "int", "", "GPUs per NVLink domain (8 on an NVSwitch board, 2 with bridges, 1 without NVLink)"},
                       {"link_bandwidth", "bandwidth", "", "NVLink bandwidth per GPU, e.g. 900GB/s"},
                       {"pcie_root", "int", "", "GPUs per PCIe root complex"},
                       {"mig", "bool", "", "the GPUs are in MIG mode: only MIG instances are allocatable"},
                   },
                   {
                       {"labels", "map", "", "node labels (GFD's nvidia.com/gpu.product and nvidia.com/gpu.count are derived)"},
                   }});
  specs.push_back({BlockKind::Cluster, "cluster", {},
                   {
                       {"node", "node", "", "`node NAME = SHAPE`, `node NAME[1..4] { … }`: nodes and their GPUs"},
                   }});
  specs.push_back({BlockKind::GpuRequest, "gpu request",
                   {
                       {"count", "int", "devices.requests[].count", "how many devices (default 1)"},
                       {"class", "device class", "devices.requests[].deviceClassName", "the device class"},
                       {"min_bandwidth", "bandwidth", "", "the least NVLink bandwidth per GPU (proved by rig)"},
                   },
                   {
                       {"same", "scope", "devices.constraints[].matchAttribute", "`same node`, `same nvlink_domain` (proved by rig), `same pcie_root`"},
                   }});
  return specs;
}

} // namespace

const BlockSpec &blockSpec(BlockKind kind) {
  // Indexed by kind: looked up for every block of every workload.
  static const std::vector<BlockSpec> specs = [] {
    std::vector<BlockSpec> byKind = makeSpecs();
    std::sort(byKind.begin(), byKind.end(), [](const BlockSpec &a, const BlockSpec &b) { return a.kind < b.kind; });
    return byKind;
  }();
  return specs[static_cast<size_t>(kind)];
}

const FieldSpec *findAttribute(const BlockSpec &spec, llvm::StringRef name) {
  for (const FieldSpec &f : spec.attributes)
    if (f.name == name) return &f;
  return nullptr;
}

const FieldSpec *findChild(const BlockSpec &spec, llvm::StringRef keyword) {
  for (const FieldSpec &f : spec.children)
    if (f.name == keyword) return &f;
  return nullptr;
}

std::vector<llvm::StringRef> allNames(const BlockSpec &spec) {
  std::vector<llvm::StringRef> names;
  for (const FieldSpec &f : spec.attributes) names.push_back(f.name);
  for (const FieldSpec &f : spec.children) names.push_back(f.name);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

llvm::ArrayRef<llvm::StringRef> workloadKeywords() {
  static const llvm::StringRef kw[] = {"pod", "deployment", "statefulset", "daemonset", "job", "cronjob"};
  return kw;
}

bool attributeAllowedOn(llvm::StringRef workload, llvm::StringRef attr) {
  static const llvm::StringRef jobOnly[] = {"completions", "parallelism", "backoff_limit", "active_deadline", "ttl_after_finished",
                                           "completion_mode", "backoff_limit_per_index", "max_failed_indexes", "success_policy",
                                           "pod_replacement_policy"};
  static const llvm::StringRef cronOnly[] = {"schedule", "time_zone", "concurrency_policy", "suspend",
                                            "successful_jobs_history", "failed_jobs_history", "starting_deadline"};
  auto in = [&](llvm::ArrayRef<llvm::StringRef> list) { return std::find(list.begin(), list.end(), attr) != list.end(); };
  if (attr == "replicas") return workload == "deployment" || workload == "statefulset";
  if (attr == "service_name") return workload == "statefulset";
  if (in(jobOnly)) return workload == "job" || workload == "cronjob";
  if (in(cronOnly)) return workload == "cronjob";
  return true;
}

} // namespace rig::sema
