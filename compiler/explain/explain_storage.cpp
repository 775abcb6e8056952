// `rig explain` for storage: per claim (and claim template), the class it
// gets, the attributes class, what the driver ends up applying, and the
// driver limits that hold for it.
#include <fmt/format.h>

#include "compiler/explain/explain_parts.h"
#include "compiler/k8s/storage_drivers.h"

namespace rig::explain_parts {

namespace {

std::string claimLines(const model::Program &program, const model::Claim &c, llvm::StringRef label) {
  const model::StorageModel &st = program.storage;
  std::string modes;
  for (const std::string &m : c.accessModes) modes += (modes.empty() ? "" : ", ") + m;
  std::string out = fmt::format("  {} {}{}: {} {}{}\n", label.str(), c.ns.empty() ? "" : c.ns + "/", c.name,
                                c.size ? c.size->canonical() : "?", modes, c.volumeMode.empty() ? "" : ", " + c.volumeMode);
  const model::StorageClass *sc = nullptr;
  const model::VolumeAttributesClass *vac = nullptr;
  for (const model::StorageClass &s : st.classes)
    if (c.storageClassSet && s.name == c.storageClass) sc = &s;
  for (const model::VolumeAttributesClass &a : st.attributes)
    if (a.name == c.attributesClass) vac = &a;
  if (!c.storageClassSet) out += "    storage class: the cluster default (none named)\n";
  else if (c.storageClass.empty()) out += "    storage class: none (binds a pre-provisioned volume)\n";
  else if (!sc) out += fmt::format("    storage class: {} (outside this build)\n", c.storageClass);
  else out += fmt::format("    storage class: {} (provisioner {})\n", sc->name, sc->provisioner);
  if (c.attributesClass.empty()) out += "    attributes class: none\n";
  else if (!vac) out += fmt::format("    attributes class: {} (outside this build)\n", c.attributesClass);
  else
    out += fmt::format("    attributes class: {} (driver {}, {}{}; changeable on the live claim)\n", vac->name, vac->driver,
                       k8s::volumeAttributesClassApi(program.target).str(),
                       k8s::available(k8s::Feature::VolumeAttributesClass, program.target) ? ""
                                                                                           : ", needs the VolumeAttributesClass feature gate");

  llvm::StringRef driverName = sc ? llvm::StringRef(sc->provisioner) : vac ? llvm::StringRef(vac->driver) : llvm::StringRef();
  const k8s::StorageDriver *d = driverName.empty() ? nullptr : k8s::findStorageDriver(driverName, st.limits);
  if (!d) {
    if (!driverName.empty()) out += fmt::format("    limits: rig has no data for driver {}\n", driverName.str());
    return out;
  }
  k8s::ParamMap eff = k8s::effectiveParameters(*d, sc ? &sc->parameters : nullptr, vac ? &vac->parameters : nullptr);
  const std::string *type = k8s::parameterByRole(*d, eff, k8s::ParamRole::Type);
  std::string typeName = type ? *type : sc ? d->defaultType.str() : "";
  const std::string *iops = k8s::parameterByRole(*d, eff, k8s::ParamRole::Iops);
  const std::string *tp = k8s::parameterByRole(*d, eff, k8s::ParamRole::Throughput);
  const k8s::VolumeTypeLimits *t = typeName.empty() ? nullptr : k8s::findVolumeType(*d, typeName);
  std::string iopsText = iops ? *iops : t && t->baselineIops ? fmt::format("{} (baseline)", t->baselineIops) : "-";
  std::string tpText = tp ? *tp + " MiB/s" : t && t->baselineThroughput ? fmt::format("{} MiB/s (baseline)", t->baselineThroughput) : "-";
  const std::string *enc = k8s::parameterByRole(*d, eff, k8s::ParamRole::Encrypted);
  const std::string *kms = k8s::parameterByRole(*d, eff, k8s::ParamRole::KmsKey);
  std::string encText = enc && *enc == "true" ? ", encrypted" : kms ? ", encrypted" : "";
  if (!encText.empty() && kms) encText += " with key " + *kms;
  out += fmt::format("    effective: type {}{}, iops {}, throughput {}{}\n", typeName.empty() ? "unknown" : typeName,
                     type ? "" : " (driver default)", iopsText, tpText, encText);
  if (!t) return out;
  std::string limits = fmt::format("    limits ({}, `storage_limits {}`):", t->source.str(), k8s::storageLimitsName(st.limits).str());
  if (t->maxSizeGiB) limits += fmt::format(" size {}Gi-{}Gi;", t->minSizeGiB, t->maxSizeGiB);
  if (t->maxIops) {
    limits += fmt::format(" iops {}-{}", t->minIops, t->maxIops);
    if (t->maxIopsPerGiB) {
      limits += fmt::format(", at most {} per GiB", t->maxIopsPerGiB);
      if (c.size) {
        __int128 gib = ((c.size->milli + 999) / 1000 + (int64_t(1) << 30) - 1) >> 30;
        limits += fmt::format(" (this size allows {})", std::min<int64_t>(t->maxIops, std::max<int64_t>(t->baselineIops, int64_t(gib) * t->maxIopsPerGiB)));
      }
    }
    limits += ";";
  } else {
    limits += " iops not settable;";
  }
  if (t->maxThroughput) {
    limits += fmt::format(" throughput {}-{} MiB/s", t->minThroughput, t->maxThroughput);
    if (t->throughputPerIopsNum)
      limits += fmt::format(", at most {:g} MiB/s per IOPS", double(t->throughputPerIopsNum) / double(t->throughputPerIopsDen));
  } else {
    limits += " throughput not settable";
  }
  out += limits + "\n";
  out += fmt::format("    changeable online by the driver: {}\n", d->modifiableSummary.str());
  return out;
}

} // namespace

std::string storageSection(const model::Program &program) {
  std::string out;
  for (const model::Claim &c : program.storage.claims) out += claimLines(program, c, "claim");
  for (const model::Workload &w : program.workloads)
    for (const model::Claim &c : w.claimTemplates)
      out += claimLines(program, c, fmt::format("statefulset {} claim template", w.name));
  if (out.empty()) return "";
  return "storage\n" + out;
}

} // namespace rig::explain_parts
