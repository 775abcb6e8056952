// The checked, backend-neutral program. Only `check` builds it; emitters,
// `explain`, `verify` and the language server read it and never look at the
// AST. Every entity keeps the source range it came from so back ends can
// point diagnostics at the user's text. Names are already Kubernetes names.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/base/flat_map.h"
#include "compiler/base/quantity.h"
#include "compiler/k8s/version.h"
#include "compiler/model/boxed.h"
#include "compiler/model/apparmor.h"
#include "compiler/model/devices.h"
#include "compiler/model/job.h"
#include "compiler/model/storage.h"
#include "compiler/source/source_manager.h"

namespace rig::model {

// Ordered string map: emitted in key order, so output is deterministic.
using StringMap = FlatMap<std::string, std::string>;

struct EnvVar {
  enum class Source { Literal, SecretKey, ConfigMapKey, FieldRef, ResourceFieldRef };
  std::string name;
  Source source = Source::Literal;
  std::string value;    // Literal: the value; FieldRef: the field path; ResourceFieldRef: the resource
  std::string object;   // SecretKey / ConfigMapKey: the object's name; ResourceFieldRef: container
  std::string key;      // SecretKey / ConfigMapKey: the key
  std::optional<bool> optional;
  SourceRange range;
};

struct Port {
  std::string name; // may be empty
  int64_t number = 0;
  std::string protocol; // "" (TCP default, not emitted), "TCP", "UDP", "SCTP"
  std::optional<int64_t> hostPort;
  SourceRange range;
};

// A probe or lifecycle action: exactly one of its kinds.
struct Action {
  enum class Kind { None, Exec, HttpGet, TcpSocket, Grpc, Sleep };
  Kind kind = Kind::None;
  std::vector<std::string> command;  // Exec
  std::string path;                  // HttpGet
  std::string scheme;                // HttpGet: "" | HTTP | HTTPS
  std::string host;                  // HttpGet / TcpSocket
  std::vector<std::pair<std::string, std::string>> headers; // HttpGet
  int64_t portNumber = 0;            // HttpGet / TcpSocket / Grpc
  std::string portName;              // HttpGet / TcpSocket: a named port
  std::string service;               // Grpc
  int64_t seconds = 0;               // Sleep
  SourceRange range;
};

struct Probe {
  Action action;
  std::optional<int64_t> initialDelaySeconds, periodSeconds, timeoutSeconds, successThreshold,
      failureThreshold, terminationGracePeriodSeconds;
  SourceRange range;
};

struct Lifecycle {
  Boxed<Action> postStart, preStop;
};

// A resource's quantity and where it was written.
struct ResourceAmount : Quantity {
  SourceRange range;
};

struct Resources {
  // Resource name ("cpu", "memory", "ephemeral-storage", "nvidia.com/gpu") ->
  // quantity. (Each entry keeps its range: a second map of ranges was two
  // more allocations per container.)
  FlatMap<std::string, ResourceAmount> requests, limits;
  bool empty() const { return requests.empty() && limits.empty(); }
};

struct Mount {
  std::string volume;
  std::string path;
  bool readOnly = false;
  std::string subPath;
  SourceRange range;
  SourceRange volumeRange;
};

struct AppArmorRef {
  enum class Kind { RuntimeDefault, Unconfined, Localhost };
  Kind kind = Kind::RuntimeDefault;
  std::string profile; // Localhost: the profile name loaded on the node
  bool declared = false; // a bare name: an `apparmor` profile declared in rig (resolved after every file)
  SourceRange range;
};

struct SecurityContext {
  std::optional<int64_t> runAsUser, runAsGroup;
  std::optional<bool> runAsNonRoot, readOnlyRootFilesystem, allowPrivilegeEscalation, privileged;
  std::vector<std::string> capAdd, capDrop;
  std::vector<SourceRange> capAddRanges; // parallel to capAdd
  std::optional<AppArmorRef> appArmor;
  std::string seccomp; // "" | RuntimeDefault | Unconfined
  bool empty() const {
    return !runAsUser && !runAsGroup && !runAsNonRoot && !readOnlyRootFilesystem && !allowPrivilegeEscalation &&
           !privileged && capAdd.empty() && capDrop.empty() && !appArmor && seccomp.empty();
  }
};

enum class ContainerRole { Main, Sidecar, Init };

struct Container {
  std::string name;       // Kubernetes name (`istio_proxy` -> `istio-proxy`)
  std::string sourceName; // as declared in rig
  ContainerRole role = ContainerRole::Main;
  std::string image;
  // Lazy: most containers set none of these.
  Lazy<std::string> imagePullPolicy, workingDir;
  Lazy<std::vector<std::string>> command, args;
  SourceRange commandRange;
  std::vector<EnvVar> env;
  std::vector<Port> ports;
  Boxed<Probe> liveness, readiness, startup; // boxed: most containers have none
  Lifecycle lifecycle;
  Resources resources;
  std::vector<Mount> mounts;
  Lazy<SecurityContext> security; // lazy: most containers set none
  std::vector<ClaimUse> claims; // `uses NAME`: GPU requests of the workload (devices.h)
  std::vector<std::string> after; // Kubernetes names of containers this one starts after
  std::vector<SourceRange> afterRanges;
  SourceRange range;
  SourceRange nameRange;
};

struct Volume {
  enum class Kind { EmptyDir, ConfigMap, Secret, Claim, HostPath };
  std::string name;
  Kind kind = Kind::EmptyDir;
  std::string source;             // config map / secret / claim name, host path
  std::string medium;             // EmptyDir: "" | Memory
  std::optional<Quantity> sizeLimit;
  std::string hostPathType;       // HostPath
  std::optional<bool> readOnly;   // Claim
  std::optional<int64_t> defaultMode;
  std::optional<bool> optional;
  bool claimExternal = false;     // Claim: `external: true`, a claim made outside this build
  SourceRange range;
  SourceRange sourceRange;        // the source argument, e.g. the claim name
};

enum class QosClass { BestEffort, Burstable, Guaranteed };
llvm::StringRef qosName(QosClass q);

struct PodSecurity {
  std::optional<int64_t> runAsUser, runAsGroup, fsGroup;
  std::optional<bool> runAsNonRoot;
  std::optional<AppArmorRef> appArmor;
  std::string seccomp;
  bool empty() const { return !runAsUser && !runAsGroup && !fsGroup && !runAsNonRoot && !appArmor && seccomp.empty(); }
};

struct PodSpec {
  // Init containers (plain `init` and native sidecars) in start order, which
  // honours declaration order and every `after`; then main containers.
  std::vector<Container> initContainers;
  std::vector<Container> containers;
  std::vector<Volume> volumes;
  std::optional<int64_t> terminationGracePeriodSeconds;
  std::string restartPolicy; // "" (API default), Always, OnFailure, Never
  std::string serviceAccountName;
  StringMap nodeSelector;
  Lazy<PodSecurity> security; // lazy: most pods set none
  std::optional<bool> hostNetwork;
  QosClass qos = QosClass::BestEffort; // computed by check
};

enum class WorkloadKind { Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob };
llvm::StringRef workloadKindName(WorkloadKind k); // "Deployment"
llvm::StringRef workloadKeyword(WorkloadKind k);  // "deployment"

struct JobSpec {
  std::optional<int64_t> completions, parallelism, backoffLimit, activeDeadlineSeconds,
      ttlSecondsAfterFinished, backoffLimitPerIndex, maxFailedIndexes;
  std::string completionMode;       // "" (NonIndexed by default) | NonIndexed | Indexed
  std::string podReplacementPolicy; // "" | TerminatingOrFailed | Failed
  std::vector<FailureRule> failureRules; // in order; first match wins
  std::vector<SuccessRule> successRules;
  JobFieldRanges ranges;
  bool indexed() const { return completionMode == "Indexed"; }
};

struct CronJobSpec {
  std::string schedule, timeZone, concurrencyPolicy;
  std::optional<int64_t> successfulJobsHistoryLimit, failedJobsHistoryLimit, startingDeadlineSeconds;
  std::optional<bool> suspend;
};

struct Workload {
  WorkloadKind kind = WorkloadKind::Pod;
  std::string name;       // Kubernetes name
  std::string sourceName; // as declared
  std::string ns;         // namespace; "" for the cluster default
  StringMap labels;       // includes app: <name>
  StringMap annotations;
  StringMap podAnnotations; // on the pod template (the pod itself for kind Pod)
  std::optional<int64_t> replicas;
  std::string serviceName; // StatefulSet
  std::vector<Claim> claimTemplates; // StatefulSet: spec.volumeClaimTemplates (storage.h)
  PodSpec pod;
  std::vector<GpuRequest> gpus; // `gpus NAME { … }` (devices.h)
  Lazy<JobSpec> job;      // Job, and CronJob's job template (lazy: other kinds have none)
  Lazy<CronJobSpec> cron;
  SourceRange range;
  SourceRange nameRange;
  // Noted by the checker when it has checked the workload (its containers
  // then in cache) for the checks that look across workloads once all are
  // checked: they pass over a workload these say nothing about instead of
  // reading its containers to find nothing. Not part of what is emitted.
  struct CrossCheckHints {
    bool appArmorDeclared = false;   // a ref to an `apparmor` profile of the build (resolved later)
    bool appArmorLocalhost = false;  // a Localhost ref (`localhost("…")` or a declared profile's name)
    bool appArmorUnconfined = false; // warned about
    bool gpuClaimUses = false;       // a container `uses` a GPU request
  } hints;
};

struct Program {
  k8s::Version target = k8s::kDefaultVersion;
  std::vector<Workload> workloads; // in declaration order

  // Per feature, each in its own header.
  AppArmorModel apparmor;

  StorageModel storage;

  DeviceModel devices;
};

// A stable, readable summary for `--dump=model` and golden tests.
std::string dump(const Program &p);

} // namespace rig::model
