// Internal to the check phase: the state one check run shares across the
// per-construct files (check_workload.cpp, check_container.cpp, …).
#pragma once

#include <functional>

#include "compiler/check/check.h"
#include "compiler/check/expand.h"
#include "compiler/check/schema.h"
#include "compiler/check/values.h"
#include "compiler/k8s/storage_drivers.h"

namespace rig::sema {

// Callbacks for the items of one block. The walker has already rejected
// unknown names (with did-you-mean) and repeated attributes.
struct BlockHandlers {
  // An attribute the block allows, with its dotted name (`security.run_as_user`,
  // already computed by the walker) and its value.
  std::function<void(const ast::Attribute &, llvm::StringRef name, const Value &)> attribute;
  std::function<void(const ast::Declaration &)> declaration;
  // Items other than attributes and declarations (failure rules, lets, …);
  // return false to have the walker report them as misplaced.
  std::function<bool(const ast::Item &)> other;
};

// A workload checked ahead of the main loop: its declaration, what it
// reported, and whether it produced a workload.
struct Prechecked {
  const ast::Declaration *decl = nullptr;
  std::string ns; // the namespace it was checked in
  std::vector<Diagnostic> diags;
  bool made = false;
};
struct PrecheckedWorkloads {
  // In the order the main loop meets the workloads; empty when the
  // program is too small to be worth threads. (Filled by precheckWorkloads,
  // or taken from an EarlyWorkloadCheck.)
  std::vector<Prechecked> items;
  // The workloads made, in that order, cut in runs as they were built in
  // place (one run per thread; an EarlyWorkloadCheck puts each file's in
  // order in one run): parts[0] has room for all, so that the program's
  // list is that vector and only the other runs' workloads move.
  // (Workloads are large; a list of results copied into the program's list
  // was megabytes of memory written twice.)
  std::vector<std::vector<model::Workload>> parts;
};

// The workload a top-level keyword declares (`deployment`), if any.
std::optional<model::WorkloadKind> workloadKind(llvm::StringRef keyword);

// The pod's QoS class by the kubelet's rules.
model::QosClass computeQos(const model::PodSpec &pod);

// Fills w.hints from the checked workload.
void noteCrossCheckHints(model::Workload &w);

class Checker {
public:
  Checker(const SourceManager &sm, Diagnostics &diags, const CheckOptions &opts)
      : sm_(sm), diags_(diags), opts_(opts), ex_(diags) {}

  model::Program run(const ExpandedProgram &expanded);
  // Checks workloads while they are parsed, with checkers of its own.
  friend class rig::EarlyWorkloadCheck;

  // ---- shared helpers
  Value eval(const ast::Expr &e) { return Evaluator(diags_, scope_).eval(e); }
  Extractor &ex() { return ex_; }
  Diagnostics &diags() { return diags_; }
  k8s::Version target() const { return program_.target; }
  void walkBlock(const ast::Body &body, BlockKind kind, llvm::StringRef where, const BlockHandlers &h);
  // The same, with the description made only when a diagnostic needs it:
  // for the blocks every workload and container has, where formatting the
  // description up front cost more than checking the block.
  void walkBlock(const ast::Body &body, BlockKind kind, llvm::function_ref<std::string()> where, const BlockHandlers &h);
  // `labels { k = "v" }` or `labels = { k: "v" }` into a string map; where
  // each key was written goes to `keyRanges` when given.
  using KeyRanges = std::map<std::string, SourceRange>;
  std::optional<model::StringMap> stringMap(const ast::Item &item, llvm::StringRef what, KeyRanges *keyRanges = nullptr);
  // The Kubernetes name a declaration gives, from its first word.
  std::optional<std::pair<std::string, SourceRange>> declName(const ast::Declaration &d, llvm::StringRef what);
  // Reports words after the name that the construct does not take.
  void rejectExtraWords(const ast::Declaration &d, size_t allowed, llvm::StringRef what);
  void rejectExtraWords(const ast::Declaration &d, size_t allowed, llvm::function_ref<std::string()> what);
  // Reports a feature the target version does not have; returns false then.
  bool requireFeature(k8s::Feature f, SourceRange where);
  std::optional<model::AppArmorRef> appArmorRef(const Value &v);
  std::optional<std::string> seccompProfile(const Value &v);

  // ---- per construct (one file each)
  void checkWorkload(const ast::Declaration &d, model::WorkloadKind kind, const std::string &ns);
  void checkContainer(const ast::Declaration &d, model::ContainerRole role, model::Container &c);
  void checkVolume(const ast::Declaration &d, model::Volume &v);
  void checkMount(const ast::Declaration &d, model::Container &c);
  void checkSecurity(const ast::Declaration &d, model::SecurityContext &sec);
  model::EnvVar envVar(const std::string &name, SourceRange nameRange, const Value &v);
  // Kubernetes' pod validation and what it computes: names, duplicates,
  // volumes, ports, start order, resources and the QoS class.
  void checkPodRules(model::Workload &w);

  // ---- features: each owns one file (check_<feature>.cpp) and the lines of
  // its section here. A top-level hook returns true when it took the keyword;
  // a finish hook runs after every file, for cross-object rules.

  // jobs and failure rules (check_job.cpp)
  void checkFailureRule(const ast::FailureRule &rule, model::Workload &w);
  void finishJob(model::Workload &w);
  // Job and cronjob fields; returns false for a field that is not one.
  bool checkJobAttribute(const ast::Attribute &a, llvm::StringRef name, const Value &v, model::Workload &w);
  void checkSuccessPolicy(const Value &v, model::Workload &w);
  void checkFailureRuleLimits(model::Workload &w);

  // storage (check_storage.cpp)
  bool checkStorageDeclaration(const ast::Declaration &d, const std::string &ns);
  void checkClaimTemplate(const ast::Declaration &d, model::Workload &w);
  void finishStorage();
  void checkStorageClass(const ast::Declaration &d);
  void checkVolumeAttributes(const ast::Declaration &d);
  bool checkClaimBody(const ast::Declaration &d, model::Claim &c, llvm::StringRef what);
  void checkStorageLimitsDecl(const ast::Declaration &d);
  void checkDriverParameters(const std::string &driver, SourceRange driverRange, const std::map<std::string, std::string> &params,
                             const std::map<std::string, SourceRange> &ranges, bool forAttributes,
                             const std::string &objectName, SourceRange objectRange);
  void checkClaimAgainstClasses(const model::Claim &c);
  void checkEffectiveAttributes(const model::Claim &c, const k8s::StorageDriver &d, const k8s::VolumeTypeLimits &t,
                                const model::VolumeAttributesClass &vac, const std::map<std::string, std::string> &eff);
  void compareWithPrevious(const model::Claim &c, const model::PreviousClaim &p, const model::Workload *owner);
  std::optional<SourceRange> storageLimitsRange_;
  bool vacGateWarned_ = false; // W0602 once per build

  // GPUs and devices (check_devices.cpp)
  bool checkDeviceDeclaration(const ast::Declaration &d, const std::string &ns);
  void finishDevices();
  void checkGpuRequest(const ast::Declaration &d, model::Workload &w); // `gpus NAME { … }`
  void checkClaimUse(const ast::Declaration &d, model::Container &c);  // `uses NAME`
  void checkDeviceClass(const ast::Declaration &d);
  void checkNodeShape(const ast::Body &body, model::NodeShape &shape, llvm::StringRef where);
  void checkCluster(const ast::Declaration &d);
  void checkSharedClaim(const ast::Declaration &d, const std::string &ns);
  // The body of `gpus NAME { … }` and `gpu_claim NAME { … }`; false without a class.
  bool gpuRequestBody(const ast::Declaration &d, model::GpuRequest &r);
  std::optional<int64_t> bandwidthGBps(const Value &v);

  // AppArmor profiles (check_apparmor.cpp)
  bool checkAppArmorDeclaration(const ast::Declaration &d);
  void finishAppArmor();

private:
  // Namespace items of one file (`namespace NAME` or `namespace = "…"`).
  struct NamespaceState {
    std::optional<std::string> ns;
    bool saw = false;
    SourceRange range;
  };
  // Takes a namespace item (reporting what is wrong with it); false for any
  // other item.
  bool takeNamespaceItem(const ast::Item &it, NamespaceState &st);
  // Fewer workloads per thread than this are checked in the main loop.
  static constexpr size_t kWorkloadsPerThread = 256;
  PrecheckedWorkloads precheckWorkloads(const ExpandedProgram &expanded);
  // Puts the prechecked workloads the loop took (`madeTaken`) and the ones
  // it checked itself (in program_.workloads, each after serialAfter[i]
  // prechecked ones) together in declaration order.
  void mergePrechecked(PrecheckedWorkloads &pre, size_t madeTaken, const std::vector<size_t> &serialAfter);
  void checkFileHeader(const ast::File &file, std::optional<std::string> &ns, bool &sawTarget);
  void checkTargetDecl(const ast::Declaration &d, bool &sawTarget);
  void checkUniqueObjects();

  const SourceManager &sm_;
  Diagnostics &diags_;
  const CheckOptions &opts_;
  Extractor ex_;
  Scope scope_; // empty: names were substituted by expansion
  model::Program program_;
  std::optional<k8s::Version> fileTarget_;
  SourceRange fileTargetRange_;
};

} // namespace rig::sema
