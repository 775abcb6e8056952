// Storage classes, volume attributes classes and claims: their fields, the
// driver limits (k8s/storage_drivers.h), and the rules that span objects —
// a claim's attributes class must belong to its provisioner, claims that
// volumes name must exist, a claim's storage class cannot change.
#include <utility>

#include "compiler/check/checker.h"
#include "compiler/k8s/names.h"
#include "compiler/k8s/storage_drivers.h"

namespace rig::sema {

namespace {

constexpr int64_t kGiB = int64_t(1) << 30;

// Whole GiB a size asks for, rounded up as cloud drivers round it.
int64_t sizeGiB(const Quantity &q) {
  __int128 bytes = (q.milli + 999) / 1000;
  __int128 gib = (bytes + kGiB - 1) / kGiB;
  return gib > INT64_MAX ? INT64_MAX : static_cast<int64_t>(gib);
}

const std::string *lookupRole(const k8s::StorageDriver &d, const std::map<std::string, std::string> &params, k8s::ParamRole role,
                              std::string *key = nullptr) {
  return k8s::parameterByRole(d, params, role, key);
}

std::optional<int64_t> intValue(const k8s::DriverParam &p, const std::string &v) {
  if (p.value == k8s::ParamValue::Throughput) return k8s::parseThroughputMiB(v);
  int64_t n;
  if (llvm::StringRef(v).getAsInteger(10, n)) return std::nullopt;
  return n;
}

// How a Kubernetes name is written as a rig declaration name.
std::string spelledName(const std::string &k8sName) {
  if (k8sName.find('.') != std::string::npos) return "\"" + k8sName + "\"";
  std::string s = k8sName;
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

} // namespace

bool Checker::checkStorageDeclaration(const ast::Declaration &d, const std::string &ns) {
  llvm::StringRef kw = d.keyword.name;
  if ((kw == "storage_class" || kw == "volume_attributes" || kw == "claim") && d.value)
    diags_.report(DiagKind::UnsupportedConstruct, d.value->range, fmt::format("making a `{}` from a value", kw));
  if (kw == "storage_class") checkStorageClass(d);
  else if (kw == "volume_attributes") checkVolumeAttributes(d);
  else if (kw == "storage_limits") checkStorageLimitsDecl(d);
  else if (kw == "claim") {
    model::Claim c;
    c.ns = ns;
    if (checkClaimBody(d, c, "claim")) program_.storage.claims.push_back(std::move(c));
  } else {
    return false;
  }
  return true;
}

void Checker::checkStorageLimitsDecl(const ast::Declaration &d) {
  // storage_limits late_2025
  static const llvm::StringRef editions[] = {"classic", "late_2025"};
  const ast::Word *w = d.nameWord();
  if (!w || d.body || d.value) {
    diags_.report(DiagKind::SyntaxError, d.range, "expected `storage_limits classic` or `storage_limits late_2025`");
    return;
  }
  rejectExtraWords(d, 1, "the limits edition");
  if (storageLimitsRange_) {
    diags_.report(DiagKind::DuplicateField, d.keyword.range, "storage_limits").label(*storageLimitsRange_, "first set here");
    return;
  }
  storageLimitsRange_ = d.keyword.range;
  Value v;
  v.kind = Value::Kind::Symbol;
  v.text = w->text;
  v.range = w->range;
  if (auto s = ex_.oneOf(v, "storage limits edition", editions))
    program_.storage.limits = *s == "late_2025" ? k8s::StorageLimits::Late2025 : k8s::StorageLimits::Classic;
}

// A name for a cluster-scoped class: valid, and not declared twice.
template <typename T>
static bool uniqueClassName(Diagnostics &diags, const std::vector<T> &existing, const std::string &name, SourceRange range,
                            llvm::StringRef kind) {
  for (const T &e : existing)
    if (e.name == name) {
      diags.report(DiagKind::DuplicateDeclaration, range, kind.str(), name).label(e.nameRange, "first declared here");
      return false;
    }
  return true;
}

// `parameters { … }` and `parameters = { … }` are one field of a class:
// the first item either way; a second is reported where it is.
struct ParametersField {
  const ast::Item *item = nullptr;
  SourceRange range;
  void take(Diagnostics &diags, const ast::Item &it, SourceRange where) {
    if (item) diags.report(DiagKind::DuplicateField, where, "parameters").label(range, "first set here");
    else item = &it, range = where;
  }
};

// What the API server checks of any class's parameters, whatever the driver
// (validateParameters in Kubernetes' storage validation): no empty key, at
// most 512 entries, and at most 256 KiB of keys and values together.
// `where` is the `parameters` field; a key's own range is in `ranges`.
static void checkParameterLimits(Diagnostics &diags, const std::map<std::string, std::string> &params,
                                 const std::map<std::string, SourceRange> &ranges, SourceRange where,
                                 llvm::StringRef what, const std::string &name) {
  constexpr size_t kMaxEntries = 512, kMaxBytes = 256 * 1024;
  if (params.size() > kMaxEntries) {
    // The API server stops at this one too.
    diags.report(DiagKind::TooManyStorageParameters, where, what.str(), name, params.size(), kMaxEntries);
    return;
  }
  size_t bytes = 0;
  for (const auto &[k, v] : params) {
    bytes += k.size() + v.size();
    if (k.empty()) {
      auto r = ranges.find(k);
      diags.report(DiagKind::EmptyStorageParameterKey, r != ranges.end() ? r->second : where, what.str(), name);
    }
  }
  if (bytes > kMaxBytes) diags.report(DiagKind::StorageParametersTooLarge, where, what.str(), name, bytes, kMaxBytes);
}

// A class's `provisioner` or `driver`: a string that is a qualified name.
static std::optional<std::string> qualifiedNameField(Extractor &ex, Diagnostics &diags, const Value &v, llvm::StringRef field) {
  auto s = ex.string(v, fmt::format("`{}`", field.str()));
  if (!s) return std::nullopt;
  for (const std::string &e : k8s::validateQualifiedName(*s)) {
    diags.report(DiagKind::InvalidName, v.range, field.str(), *s, e);
    return std::nullopt;
  }
  return s;
}

void Checker::checkStorageClass(const ast::Declaration &d) {
  auto name = declName(d, "storage_class");
  if (!name) return;
  rejectExtraWords(d, 1, "the storage class name");
  model::StorageClass sc;
  sc.name = name->first;
  sc.sourceName = d.nameWord()->text;
  sc.nameRange = name->second;
  sc.range = d.range;
  for (const std::string &e : k8s::validateDns1123Subdomain(sc.name)) {
    diags_.report(DiagKind::InvalidName, sc.nameRange, "storage class", sc.name, e);
    return;
  }
  if (!d.body) {
    diags_.report(DiagKind::MissingField, sc.nameRange, fmt::format("storage_class `{}`", sc.name), "provisioner");
    return;
  }
  ParametersField params;
  bool sawProvisioner = false;
  BlockHandlers h;
  h.attribute = [&](const ast::Attribute &a, llvm::StringRef f, const Value &v) {
    if (f == "provisioner") {
      sawProvisioner = true;
      if (auto s = qualifiedNameField(ex_, diags_, v, "provisioner")) {
        sc.provisioner = *s;
        sc.provisionerRange = v.range;
      }
    } else if (f == "parameters") {
      params.take(diags_, a, a.path.front().range);
    } else if (f == "reclaim_policy") {
      // `Recycle` exists for PersistentVolumes but a class refuses it.
      static const llvm::StringRef allowed[] = {"Delete", "Retain"};
      if (auto s = ex_.oneOf(v, "reclaim policy", allowed)) sc.reclaimPolicy = *s;
    } else if (f == "binding_mode") {
      static const llvm::StringRef allowed[] = {"Immediate", "WaitForFirstConsumer"};
      if (auto s = ex_.oneOf(v, "volume binding mode", allowed)) sc.volumeBindingMode = *s;
    } else if (f == "allow_expansion") {
      sc.allowVolumeExpansion = ex_.boolean(v, "`allow_expansion`");
    } else if (f == "mount_options") {
      if (auto l = ex_.stringList(v, "`mount_options`")) sc.mountOptions = *l;
    }
  };
  h.declaration = [&](const ast::Declaration &c) {
    if (c.keyword.name == "parameters") params.take(diags_, c, c.keyword.range);
  };
  walkBlock(*d.body, BlockKind::StorageClass, "a storage_class", h);
  if (sc.provisioner.empty()) {
    if (!sawProvisioner) // else its value was already reported
      diags_.report(DiagKind::MissingField, sc.nameRange, fmt::format("storage_class `{}`", sc.name), "provisioner");
    return;
  }
  if (params.item) {
    KeyRanges ranges;
    if (auto m = stringMap(*params.item, "storage class parameters", &ranges)) {
      sc.parameters.insert(m->begin(), m->end());
      sc.parameterRanges = ranges;
      checkParameterLimits(diags_, sc.parameters, ranges, params.range, "storage_class", sc.name);
    }
  }
  if (uniqueClassName(diags_, program_.storage.classes, sc.name, sc.nameRange, "storage_class"))
    program_.storage.classes.push_back(std::move(sc));
}

void Checker::checkVolumeAttributes(const ast::Declaration &d) {
  auto name = declName(d, "volume_attributes");
  if (!name) return;
  rejectExtraWords(d, 1, "the volume attributes class name");
  model::VolumeAttributesClass vac;
  vac.name = name->first;
  vac.sourceName = d.nameWord()->text;
  vac.nameRange = name->second;
  vac.range = d.range;
  for (const std::string &e : k8s::validateDns1123Subdomain(vac.name)) {
    diags_.report(DiagKind::InvalidName, vac.nameRange, "volume attributes class", vac.name, e);
    return;
  }
  // The kind itself depends on the target: absent before 1.29, gated until 1.34.
  k8s::FeatureInfo info = k8s::feature(k8s::Feature::VolumeAttributesClass, target());
  if (info.stage == k8s::Stage::Absent) {
    diags_.report(DiagKind::FeatureUnavailable, d.keyword.range, "VolumeAttributesClass", "1.29", target().str());
    return;
  }
  if (!info.onByDefault && !std::exchange(vacGateWarned_, true))
    diags_.report(DiagKind::VolumeAttributesGateOff, d.keyword.range, k8s::stageName(info.stage).str(), target().str(),
                  k8s::volumeAttributesClassApi(target()).str());
  if (!d.body) {
    diags_.report(DiagKind::MissingField, vac.nameRange, fmt::format("volume_attributes `{}`", vac.name), "driver");
    return;
  }
  ParametersField params;
  bool sawDriver = false;
  BlockHandlers h;
  h.attribute = [&](const ast::Attribute &a, llvm::StringRef f, const Value &v) {
    if (f == "driver") {
      sawDriver = true;
      if (auto s = qualifiedNameField(ex_, diags_, v, "driver")) {
        vac.driver = *s;
        vac.driverRange = v.range;
      }
    } else if (f == "parameters") {
      params.take(diags_, a, a.path.front().range);
    }
  };
  h.declaration = [&](const ast::Declaration &c) {
    if (c.keyword.name == "parameters") params.take(diags_, c, c.keyword.range);
  };
  walkBlock(*d.body, BlockKind::VolumeAttributes, "a volume_attributes class", h);
  bool ok = true;
  if (vac.driver.empty() && sawDriver) ok = false;
  if (vac.driver.empty() && !sawDriver) {
    diags_.report(DiagKind::MissingField, vac.nameRange, fmt::format("volume_attributes `{}`", vac.name), "driver");
    ok = false;
  }
  if (params.item) {
    KeyRanges ranges;
    if (auto m = stringMap(*params.item, "volume attributes", &ranges)) {
      vac.parameters.insert(m->begin(), m->end());
      vac.parameterRanges = ranges;
      checkParameterLimits(diags_, vac.parameters, ranges, params.range, "volume_attributes", vac.name);
    } else {
      ok = false;
    }
  }
  // The API requires at least one parameter.
  if (ok && vac.parameters.empty()) {
    diags_.report(DiagKind::MissingField, vac.nameRange, fmt::format("volume_attributes `{}`", vac.name), "parameters { … } with at least one entry");
    ok = false;
  }
  if (!ok) return;
  if (uniqueClassName(diags_, program_.storage.attributes, vac.name, vac.nameRange, "volume_attributes"))
    program_.storage.attributes.push_back(std::move(vac));
}

// Parameters of a storage class (`forAttributes` false) or a volume
// attributes class: known keys, valid values, and each volume type's limits.
void Checker::checkDriverParameters(const std::string &driverName, SourceRange driverRange,
                                    const std::map<std::string, std::string> &params,
                                    const std::map<std::string, SourceRange> &ranges, bool forAttributes,
                                    const std::string &objectName, SourceRange objectRange) {
  const k8s::StorageDriver *d = k8s::findStorageDriver(driverName, program_.storage.limits);
  if (!d) {
    // A driver rig knows nothing of: its parameters are opaque. One that
    // is a letter or two off a known driver is almost surely a typo.
    std::string close = closestMatch(driverName, k8s::knownStorageDrivers());
    if (!close.empty() && driverRange.end)
      diags_.report(DiagKind::UnknownStorageDriver, driverRange, driverName)
          .note(fmt::format("did you mean `{}`?", close))
          .fix(driverRange, "\"" + close + "\"");
    return;
  }
  auto at = [&](const std::string &k) {
    auto it = ranges.find(k);
    return it != ranges.end() ? it->second : objectRange;
  };
  std::vector<llvm::StringRef> candidates;
  for (const k8s::DriverParam &p : d->params)
    if (!p.prefix && (forAttributes ? p.modifiable : p.inClass)) candidates.push_back(p.key);
  bool valuesOk = true;
  for (const auto &[k, v] : params) {
    // Keys for the external provisioner itself (secrets, fstype) are not the driver's.
    if (!forAttributes && llvm::StringRef(k).startswith("csi.storage.k8s.io/") && !k8s::findDriverParam(*d, k)) continue;
    const k8s::DriverParam *p = k8s::findDriverParam(*d, k);
    if (forAttributes && p && !p->modifiable) {
      Diagnostic &diag = diags_.report(DiagKind::NotModifiableOnline, at(k), d->title.str(), k, objectName);
      diag.note(fmt::format("{} modifies only {}", d->title.str(), d->modifiableSummary.str()));
      if (p->role == k8s::ParamRole::Encrypted || p->role == k8s::ParamRole::KmsKey)
        diag.note("encryption is chosen when a volume is created: set it in the storage_class of a new claim and copy the data "
                  "(e.g. restore a snapshot into it)");
      continue;
    }
    if (!p || (!forAttributes && !p->inClass)) {
      if (!forAttributes && !d->closedClassParams && !p) continue; // rig does not know every key of this driver
      Diagnostic &diag = diags_.report(DiagKind::UnknownStorageParameter, at(k), k, d->title.str(), d->name.str());
      if (p) {
        diag.note(fmt::format("`{}` is only accepted when modifying a volume, in a `volume_attributes` class", k));
        continue;
      }
      std::string close = closestMatch(k, candidates);
      if (close.empty())
        for (llvm::StringRef c : candidates)
          if (llvm::StringRef(k).equals_insensitive(c)) close = c.str();
      if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close)).fix(at(k), close);
      else if (forAttributes) diag.note(fmt::format("{} modifies only {}", d->title.str(), d->modifiableSummary.str()));
      else {
        std::string keys;
        for (llvm::StringRef c : candidates) keys += (keys.empty() ? "`" : ", `") + c.str() + "`";
        for (const k8s::DriverParam &q : d->params)
          if (q.prefix && q.inClass) keys += ", `" + q.key.str() + "N`";
        diag.note(fmt::format("{} takes {}", d->title.str(), keys));
      }
      continue;
    }
    switch (p->value) {
    case k8s::ParamValue::Int:
    case k8s::ParamValue::Throughput:
      if (!intValue(*p, v) || *intValue(*p, v) < 0) {
        diags_.report(DiagKind::InvalidStorageParameter, at(k), k, v, d->title.str(),
                      p->value == k8s::ParamValue::Throughput ? "expected MiB/s as a whole number" : "expected a whole number");
        valuesOk = false;
      }
      break;
    case k8s::ParamValue::Bool:
      if (v != "true" && v != "false") {
        diags_.report(DiagKind::InvalidStorageParameter, at(k), k, v, d->title.str(), "expected `true` or `false`");
        valuesOk = false;
      }
      break;
    case k8s::ParamValue::Enum: {
      llvm::SmallVector<llvm::StringRef, 8> allowed;
      p->values.split(allowed, '|');
      bool found = std::any_of(allowed.begin(), allowed.end(), [&](llvm::StringRef a) {
        return d->caseInsensitiveKeys && k != "csi.storage.k8s.io/fstype" ? a.equals_insensitive(v) : a == v;
      });
      if (!found) {
        Diagnostic &diag = diags_.report(DiagKind::InvalidStorageParameter, at(k), k, v, d->title.str(),
                                         fmt::format("expected one of {}", p->values.str()));
        std::string close = closestMatch(v, allowed);
        if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close));
        valuesOk = false;
      }
      break;
    }
    case k8s::ParamValue::String: break;
    }
  }
  if (!valuesOk) return;

  // Limits of the volume type this class asks for (the driver's default
  // type when a storage class names none; an attributes class without a
  // type keeps the volume's, which only the claim knows).
  std::string typeKey, iopsKey, perGiBKey, tpKey;
  const std::string *type = lookupRole(*d, params, k8s::ParamRole::Type, &typeKey);
  const std::string *iops = lookupRole(*d, params, k8s::ParamRole::Iops, &iopsKey);
  const std::string *perGiB = lookupRole(*d, params, k8s::ParamRole::IopsPerGiB, &perGiBKey);
  const std::string *tp = lookupRole(*d, params, k8s::ParamRole::Throughput, &tpKey);
  if (iops && perGiB)
    diags_.report(DiagKind::ConflictingStorageParams, at(perGiBKey), iopsKey, perGiBKey, d->title.str())
        .label(at(iopsKey), "set here");
  std::string typeName = type ? *type : forAttributes ? "" : d->defaultType.str();
  if (typeName.empty()) return;
  const k8s::VolumeTypeLimits *t = k8s::findVolumeType(*d, typeName);
  if (!t) return;
  std::optional<int64_t> iopsN, tpN;
  if (iops) iopsN = intValue(*k8s::findDriverParam(*d, iopsKey), *iops);
  if (tp) tpN = intValue(*k8s::findDriverParam(*d, tpKey), *tp);
  bool limited = d->types.size() > 1 || t->maxIops || t->maxThroughput;
  if (!limited) return;
  if (iopsN) {
    if (t->maxIops == 0) diags_.report(DiagKind::ParameterNotForType, at(iopsKey), iopsKey, t->type.str(), d->title.str());
    else if (*iopsN < t->minIops || *iopsN > t->maxIops)
      diags_.report(DiagKind::StorageLimitExceeded, at(iopsKey), "`" + iopsKey + "`", *iopsN, t->type.str(), t->minIops, t->maxIops,
                    t->source.str());
  }
  if (perGiB && t->maxIops == 0) {
    diags_.report(DiagKind::ParameterNotForType, at(perGiBKey), perGiBKey, t->type.str(), d->title.str());
  } else if (perGiB && t->maxIopsPerGiB) {
    int64_t n = intValue(*k8s::findDriverParam(*d, perGiBKey), *perGiB).value_or(0);
    if (n < 1 || n > t->maxIopsPerGiB)
      diags_.report(DiagKind::StorageLimitExceeded, at(perGiBKey), "`" + perGiBKey + "`", n, t->type.str(), 1, t->maxIopsPerGiB,
                    t->source.str());
  }
  if (tpN) {
    if (t->maxThroughput == 0) diags_.report(DiagKind::ParameterNotForType, at(tpKey), tpKey, t->type.str(), d->title.str());
    else if (*tpN < t->minThroughput || *tpN > t->maxThroughput)
      diags_.report(DiagKind::StorageLimitExceeded, at(tpKey), "`" + tpKey + "` (MiB/s)", *tpN, t->type.str(), t->minThroughput,
                    t->maxThroughput, t->source.str());
    // An attributes class without `iops` keeps the volume's: only the claim
    // knows it (checkClaimAgainstClasses).
    else if (t->throughputPerIopsNum && *tpN > t->baselineThroughput && (iopsN || !forAttributes)) {
      int64_t have = iopsN.value_or(t->baselineIops);
      int64_t need = (*tpN * t->throughputPerIopsDen + t->throughputPerIopsNum - 1) / t->throughputPerIopsNum;
      if (have < need) {
        std::string ratio = fmt::format("{:g}", double(t->throughputPerIopsNum) / double(t->throughputPerIopsDen));
        Diagnostic &diag = diags_.report(DiagKind::ThroughputNeedsIops, at(tpKey), *tpN, need, t->type.str(), ratio,
                                         t->source.str(), have);
        if (!iopsN) diag.note(fmt::format("no `iops` is set, so the volume has the baseline {}", t->baselineIops));
      }
    }
  }
}

void Checker::checkClaimTemplate(const ast::Declaration &d, model::Workload &w) {
  if (w.kind != model::WorkloadKind::StatefulSet) {
    diags_.report(DiagKind::MisplacedDeclaration, d.keyword.range, "`claim_template`",
                  fmt::format("in a {}; only a statefulset has claim templates — declare a top-level `claim` instead",
                              model::workloadKeyword(w.kind).str()));
    return;
  }
  model::Claim c;
  c.ns = w.ns;
  if (!checkClaimBody(d, c, "claim_template")) return;
  for (const model::Claim &t : w.claimTemplates)
    if (t.name == c.name) {
      diags_.report(DiagKind::DuplicateDeclaration, c.nameRange, "claim_template", c.name).label(t.nameRange, "first declared here");
      return;
    }
  w.claimTemplates.push_back(std::move(c));
}

bool Checker::checkClaimBody(const ast::Declaration &d, model::Claim &c, llvm::StringRef what) {
  auto name = declName(d, what);
  if (!name) return false;
  rejectExtraWords(d, 1, fmt::format("the {} name", what.str()));
  c.name = name->first;
  c.sourceName = d.nameWord()->text;
  c.nameRange = name->second;
  c.range = d.range;
  for (const std::string &e : k8s::validateDns1123Subdomain(c.name)) {
    diags_.report(DiagKind::InvalidName, c.nameRange, what.str(), c.name, e);
    return false;
  }
  if (!d.body) {
    diags_.report(DiagKind::MissingField, c.nameRange, fmt::format("{} `{}`", what.str(), c.name), "size");
    return false;
  }
  bool ok = true;
  // A class reference: an identifier names a declaration, a string any class.
  auto classRef = [&](const Value &v, std::string &out, bool &declared, llvm::StringRef field) {
    if (v.kind == Value::Kind::Symbol) {
      out = k8s::identifierToK8sName(v.text);
      declared = true;
    } else if (auto s = ex_.string(v, fmt::format("a declared class or a class name for `{}`", field.str()))) {
      if (!s->empty())
        for (const std::string &e : k8s::validateDns1123Subdomain(*s)) {
          diags_.report(DiagKind::InvalidName, v.range, field.str(), *s, e);
          ok = false;
          return false;
        }
      out = *s;
    } else {
      ok = false;
      return false;
    }
    return true;
  };
  BlockHandlers h;
  h.attribute = [&](const ast::Attribute &a, llvm::StringRef f, const Value &v) {
    if (f == "size") {
      c.sizeRange = v.range;
      // A bare number is bytes to Kubernetes, but `size = 100` almost
      // always means 100Gi: ask for the unit.
      llvm::StringRef digits = v.text;
      bool unitless = (v.kind == Value::Kind::Int || v.kind == Value::Kind::String) && !digits.empty() &&
                      digits.ltrim('-').find_first_not_of("0123456789") == llvm::StringRef::npos;
      if (unitless) {
        if (digits.startswith("-")) diags_.report(DiagKind::NegativeQuantity, v.range, "size");
        else {
          Diagnostic &diag = diags_.report(DiagKind::MissingUnit, v.range, v.text, "a claim size");
          if (v.kind == Value::Kind::Int) diag.fix(SourceRange{v.range.file, v.range.end, v.range.end}, "Gi");
          diag.note(fmt::format("write `{}Gi` (binary) or `{}G` (decimal)", digits.str(), digits.str()));
        }
        ok = false;
        return;
      }
      auto q = ex_.quantity(v, "size");
      if (!q) {
        ok = false;
        return;
      }
      if (q->isZero()) {
        diags_.report(DiagKind::ValueTooSmall, v.range, "a claim size", "1 byte", v.text);
        ok = false;
        return;
      }
      if (q->milli % 1000 != 0) {
        diags_.report(DiagKind::InvalidQuantity, v.range, v.text, "a claim size is a whole number of bytes");
        ok = false;
        return;
      }
      c.size = q;
    } else if (f == "access_modes") {
      c.accessModesRange = v.range;
      static const llvm::StringRef modes[] = {"ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"};
      std::vector<Value> items = v.kind == Value::Kind::List ? v.items : std::vector<Value>{v};
      for (const Value &item : items) {
        auto m = ex_.oneOf(item, "access mode", modes);
        if (!m) {
          ok = false;
          continue;
        }
        if (std::find(c.accessModes.begin(), c.accessModes.end(), *m) != c.accessModes.end()) {
          diags_.report(DiagKind::DuplicateField, item.range, *m);
          ok = false;
          continue;
        }
        c.accessModes.push_back(*m);
      }
      if (ok && c.accessModes.size() > 1 &&
          std::find(c.accessModes.begin(), c.accessModes.end(), "ReadWriteOncePod") != c.accessModes.end()) {
        diags_.report(DiagKind::AccessModeConflict, v.range);
        ok = false;
      }
      if (ok && c.accessModes.empty()) {
        diags_.report(DiagKind::MissingField, v.range, "`access_modes`", "at least one access mode");
        ok = false;
      }
    } else if (f == "storage_class") {
      c.storageClassRange = v.range;
      c.storageClassSet = classRef(v, c.storageClass, c.storageClassDeclared, "storage class");
    } else if (f == "attributes") {
      c.attributesRange = v.range;
      k8s::FeatureInfo info = k8s::feature(k8s::Feature::VolumeAttributesClass, target());
      if (info.stage == k8s::Stage::Absent) {
        diags_.report(DiagKind::FeatureUnavailable, v.range, "`volumeAttributesClassName`", "1.29", target().str());
        ok = false;
        return;
      }
      std::string name;
      if (classRef(v, name, c.attributesDeclared, "volume attributes class")) {
        if (name.empty()) {
          diags_.report(DiagKind::InvalidName, v.range, "volume attributes class", name, "must not be empty; omit `attributes` instead");
          ok = false;
        }
        c.attributesClass = name;
      }
    } else if (f == "volume_mode") {
      static const llvm::StringRef allowed[] = {"Filesystem", "Block"};
      if (auto s = ex_.oneOf(v, "volume mode", allowed)) c.volumeMode = *s;
      else ok = false;
    }
  };
  walkBlock(*d.body, BlockKind::Claim, fmt::format("a {}", what.str()), h);
  if (!c.size && ok) {
    diags_.report(DiagKind::MissingField, c.nameRange, fmt::format("{} `{}`", what.str(), c.name), "size");
    ok = false;
  }
  if (c.accessModes.empty() && ok) {
    diags_.report(DiagKind::MissingField, c.nameRange, fmt::format("{} `{}`", what.str(), c.name), "access_modes")
        .note("e.g. `access_modes = [ReadWriteOnce]`");
    ok = false;
  }
  return ok;
}

// The claim's size, storage class and attributes class together: the
// driver of each, and the limits the size puts on IOPS.
void Checker::checkClaimAgainstClasses(const model::Claim &c) {
  const auto &st = program_.storage;
  const model::StorageClass *sc = nullptr;
  const model::VolumeAttributesClass *vac = nullptr;
  auto undefined = [&](const std::string &name, SourceRange r, llvm::StringRef what, std::vector<std::string> cands) {
    Diagnostic &diag = diags_.report(DiagKind::UndefinedName, r, spelledName(name), fmt::format("as a {}", what.str()));
    std::string close = closestMatch(name, cands);
    if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close));
    else diag.note(fmt::format("to use a {} that exists outside this build, write its name as a string: \"{}\"", what.str(), name));
  };
  if (c.storageClassSet && !c.storageClass.empty()) {
    for (const model::StorageClass &s : st.classes)
      if (s.name == c.storageClass) sc = &s;
    if (!sc && c.storageClassDeclared) {
      std::vector<std::string> cands;
      for (const model::StorageClass &s : st.classes) cands.push_back(s.sourceName);
      undefined(c.storageClass, c.storageClassRange, "storage class", cands);
      return;
    }
  }
  if (!c.attributesClass.empty()) {
    for (const model::VolumeAttributesClass &a : st.attributes)
      if (a.name == c.attributesClass) vac = &a;
    if (!vac && c.attributesDeclared) {
      std::vector<std::string> cands;
      for (const model::VolumeAttributesClass &a : st.attributes) cands.push_back(a.sourceName);
      undefined(c.attributesClass, c.attributesRange, "volume attributes class", cands);
      return;
    }
  }
  if (vac && sc && vac->driver != sc->provisioner) {
    diags_.report(DiagKind::AttributesDriverMismatch, c.attributesRange, vac->name, vac->driver, c.name, sc->provisioner, sc->name)
        .label(vac->driverRange, "driver set here")
        .label(sc->provisionerRange, "provisioner set here");
    return;
  }
  if (!c.size || (!sc && !vac)) return;
  const std::string &driverName = sc ? sc->provisioner : vac->driver;
  const k8s::StorageDriver *d = k8s::findStorageDriver(driverName, st.limits);
  if (!d) return;
  // The attributes class wins over the storage class for every key it sets.
  std::map<std::string, std::string> eff =
      k8s::effectiveParameters(*d, sc ? &sc->parameters : nullptr, vac ? &vac->parameters : nullptr);
  const std::string *type = lookupRole(*d, eff, k8s::ParamRole::Type);
  if (!type && !sc) return; // an attributes class alone, on a class outside the build: the type is unknown
  const k8s::VolumeTypeLimits *t = k8s::findVolumeType(*d, type ? *type : d->defaultType.str());
  if (!t) return;
  int64_t gib = sizeGiB(*c.size);
  if (t->maxSizeGiB && (gib < t->minSizeGiB || gib > t->maxSizeGiB)) {
    diags_.report(DiagKind::StorageLimitExceeded, c.sizeRange, "`size`", c.size->canonical(), t->type.str(),
                  fmt::format("{}Gi", t->minSizeGiB), fmt::format("{}Gi", t->maxSizeGiB), t->source.str());
    return;
  }
  if (vac) checkEffectiveAttributes(c, *d, *t, *vac, eff);
  std::string iopsKey;
  const std::string *iops = lookupRole(*d, eff, k8s::ParamRole::Iops, &iopsKey);
  if (!iops || !t->maxIopsPerGiB) return;
  int64_t n;
  if (llvm::StringRef(*iops).getAsInteger(10, n) || n <= t->baselineIops) return;
  if (n > t->maxIopsPerGiB * gib) {
    int64_t need = (n + t->maxIopsPerGiB - 1) / t->maxIopsPerGiB;
    Diagnostic &diag = diags_.report(DiagKind::ClaimTooSmallForIops, c.sizeRange, c.name, c.size->canonical(), n, t->type.str(),
                                     t->maxIopsPerGiB, t->source.str(), need);
    if (vac && vac->parameterRanges.count(iopsKey)) diag.label(vac->parameterRanges.at(iopsKey), "IOPS set here");
    else if (sc && sc->parameterRanges.count(iopsKey)) diag.label(sc->parameterRanges.at(iopsKey), "IOPS set here");
    diag.fix(c.sizeRange, fmt::format("{}Gi", need));
  }
}

// What the attributes class alone could not be checked for: without a
// `type` its values are checked against the type of the claim's volume, and
// throughput against IOPS that come from the other class (or the baseline).
void Checker::checkEffectiveAttributes(const model::Claim &c, const k8s::StorageDriver &d, const k8s::VolumeTypeLimits &t,
                                       const model::VolumeAttributesClass &vac, const std::map<std::string, std::string> &eff) {
  std::string vIopsKey, vTpKey, iopsKey, tpKey;
  bool vacType = lookupRole(d, vac.parameters, k8s::ParamRole::Type) != nullptr;
  bool vacIops = lookupRole(d, vac.parameters, k8s::ParamRole::Iops, &vIopsKey) != nullptr;
  bool vacTp = lookupRole(d, vac.parameters, k8s::ParamRole::Throughput, &vTpKey) != nullptr;
  const std::string *iops = lookupRole(d, eff, k8s::ParamRole::Iops, &iopsKey);
  const std::string *tp = lookupRole(d, eff, k8s::ParamRole::Throughput, &tpKey);
  std::optional<int64_t> iopsN, tpN;
  if (iops) iopsN = intValue(*k8s::findDriverParam(d, iopsKey), *iops);
  if (tp) tpN = intValue(*k8s::findDriverParam(d, tpKey), *tp);
  auto report = [&](Diagnostic &diag, const std::string &key) {
    if (vac.parameterRanges.count(key)) diag.label(vac.parameterRanges.at(key), fmt::format("set in `{}`", vac.name));
    diag.note(fmt::format("claim `{}` has `{}` volumes, with volume attributes class `{}`", c.name,
                          t.type.str(), vac.name));
  };
  if (!vacType) {
    if (vacIops && iopsN && t.maxIops == 0) {
      report(diags_.report(DiagKind::ParameterNotForType, c.attributesRange, vIopsKey, t.type.str(), d.title.str()), vIopsKey);
      return;
    }
    if (vacIops && iopsN && (*iopsN < t.minIops || *iopsN > t.maxIops)) {
      report(diags_.report(DiagKind::StorageLimitExceeded, c.attributesRange, "`" + vIopsKey + "`", *iopsN, t.type.str(), t.minIops,
                           t.maxIops, t.source.str()),
             vIopsKey);
      return;
    }
    if (vacTp && tpN && t.maxThroughput == 0) {
      report(diags_.report(DiagKind::ParameterNotForType, c.attributesRange, vTpKey, t.type.str(), d.title.str()), vTpKey);
      return;
    }
    if (vacTp && tpN && (*tpN < t.minThroughput || *tpN > t.maxThroughput)) {
      report(diags_.report(DiagKind::StorageLimitExceeded, c.attributesRange, "`" + vTpKey + "` (MiB/s)", *tpN, t.type.str(),
                           t.minThroughput, t.maxThroughput, t.source.str()),
             vTpKey);
      return;
    }
  }
  // Both from the attributes class (checked there, when it names a type)
  // or neither (the storage class's own check): nothing new to combine.
  bool bothFromVac = vacIops && vacTp;
  if ((bothFromVac && vacType) || (!vacIops && !vacTp) || !tpN || !t.throughputPerIopsNum || *tpN <= t.baselineThroughput) return;
  int64_t have = iopsN.value_or(t.baselineIops);
  int64_t need = (*tpN * t.throughputPerIopsDen + t.throughputPerIopsNum - 1) / t.throughputPerIopsNum;
  if (have >= need) return;
  std::string ratio = fmt::format("{:g}", double(t.throughputPerIopsNum) / double(t.throughputPerIopsDen));
  report(diags_.report(DiagKind::ThroughputNeedsIops, c.attributesRange, *tpN, need, t.type.str(), ratio, t.source.str(), have),
         vacTp ? vTpKey : vIopsKey);
}

void Checker::finishStorage() {
  auto &st = program_.storage;
  // Driver parameters are checked once every file is read: `storage_limits`
  // may come after the classes it governs, or in another file.
  for (const model::StorageClass &sc : st.classes)
    checkDriverParameters(sc.provisioner, sc.provisionerRange, sc.parameters, sc.parameterRanges, false, sc.name, sc.nameRange);
  for (const model::VolumeAttributesClass &vac : st.attributes)
    checkDriverParameters(vac.driver, vac.driverRange, vac.parameters, vac.parameterRanges, true, vac.name, vac.nameRange);
  // Claims: unique per namespace, and consistent with their classes.
  std::map<std::pair<std::string, std::string>, const model::Claim *> claims;
  for (const model::Claim &c : st.claims) {
    auto [it, fresh] = claims.emplace(std::make_pair(c.ns, c.name), &c);
    if (!fresh) {
      diags_.report(DiagKind::DuplicateObjectName, c.nameRange, "PersistentVolumeClaim", c.name, c.ns.empty() ? "default" : c.ns)
          .label(it->second->nameRange, "first declared here");
      continue;
    }
    checkClaimAgainstClasses(c);
  }
  for (const model::Workload &w : program_.workloads)
    for (const model::Claim &t : w.claimTemplates) {
      checkClaimAgainstClasses(t);
      for (const model::Volume &v : w.pod.volumes)
        if (v.name == t.name) diags_.report(DiagKind::DuplicateVolume, t.nameRange, t.name).label(v.range, "first declared here");
      bool mounted = false;
      for (const auto *list : {&w.pod.initContainers, &w.pod.containers})
        for (const model::Container &c : *list)
          for (const model::Mount &m : c.mounts) mounted |= m.volume == t.name;
      if (!mounted) diags_.report(DiagKind::UnusedVolume, t.nameRange, t.name);
    }

  // The attributes class of a claim that uses one outside the build, by
  // string, still needs the feature: warn once as for a declared class.
  if (!vacGateWarned_) {
    k8s::FeatureInfo info = k8s::feature(k8s::Feature::VolumeAttributesClass, target());
    auto uses = [](const model::Claim &c) { return !c.attributesClass.empty(); };
    const model::Claim *first = nullptr;
    for (const model::Claim &c : st.claims)
      if (!first && uses(c)) first = &c;
    for (const model::Workload &w : program_.workloads)
      for (const model::Claim &c : w.claimTemplates)
        if (!first && uses(c)) first = &c;
    if (first && info.stage != k8s::Stage::Absent && !info.onByDefault)
      diags_.report(DiagKind::VolumeAttributesGateOff, first->attributesRange, k8s::stageName(info.stage).str(), target().str(),
                    k8s::volumeAttributesClassApi(target()).str());
  }

  // Volumes that name claims: declared (unless the user says the claim is
  // made elsewhere), and not shared by replicas or workloads that cannot
  // share them. firstUser: the first workload to mount each single-node
  // claim, and where.
  std::map<const model::Claim *, std::pair<const model::Workload *, SourceRange>> firstUser;
  for (const model::Workload &w : program_.workloads)
    for (const model::Volume &v : w.pod.volumes) {
      if (v.kind != model::Volume::Kind::Claim || v.source.empty() || v.claimExternal) continue;
      auto it = claims.find({w.ns, v.source});
      if (it == claims.end()) {
        Diagnostic &diag = diags_.report(DiagKind::UndeclaredClaim, v.sourceRange, v.source, w.ns.empty() ? "default" : w.ns);
        std::vector<std::string> cands;
        for (const model::Claim &c : st.claims)
          if (c.ns == w.ns) cands.push_back(c.name);
        std::string close = closestMatch(v.source, cands);
        if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close));
        for (const model::Claim &c : st.claims)
          if (c.name == v.source && c.ns != w.ns) {
            diag.note(fmt::format("a claim `{}` is declared in namespace `{}`; pods mount only claims of their own namespace", c.name,
                                  c.ns.empty() ? "default" : c.ns));
            break;
          }
        diag.note(fmt::format("declare it with `claim {} {{ size = …, access_modes = [ReadWriteOnce] }}`, or, if it exists outside "
                              "this build, write `claim(\"{}\", external: true)`",
                              spelledName(v.source), v.source));
        continue;
      }
      const model::Claim &c = *it->second;
      // A claim one node (ReadWriteOnce) or one pod (ReadWriteOncePod) can
      // use, unless it also allows a mode many nodes can mount at once.
      const std::string *single = nullptr;
      bool many = false;
      for (const std::string &m : c.accessModes) {
        if (m == "ReadWriteOncePod" || (m == "ReadWriteOnce" && !single)) single = &m;
        many |= m == "ReadWriteMany" || m == "ReadOnlyMany";
      }
      if (!single || many) continue;
      int64_t replicas = w.replicas.value_or(1);
      if (w.kind == model::WorkloadKind::Deployment && replicas > 1) {
        Diagnostic &diag = diags_.report(DiagKind::ReadWriteOnceShared, v.sourceRange, c.name, *single, w.name, replicas,
                                         *single == "ReadWriteOncePod" ? "only one pod can use it at a time"
                                                                       : "replicas on other nodes cannot mount it");
        diag.label(c.accessModesRange, "access mode set here");
        diag.note("use a statefulset with a `claim_template` (a claim per replica), or a `ReadWriteMany` claim");
      }
      // Another workload already mounts it: their pods run on one node at
      // best, or one at a time.
      auto [first, fresh] = firstUser.emplace(&c, std::make_pair(&w, v.sourceRange));
      if (fresh || first->second.first == &w) continue;
      const model::Workload &other = *first->second.first;
      diags_.report(DiagKind::ReadWriteOnceAcrossWorkloads, v.sourceRange, c.name, *single,
                    model::workloadKeyword(w.kind).str(), w.name, model::workloadKeyword(other.kind).str(), other.name,
                    *single == "ReadWriteOncePod" ? "only one pod can use it at a time, so one of them stays Pending"
                                                  : "their pods can run only on the node that has it attached")
          .label(first->second.second, "also mounted here")
          .label(c.accessModesRange, "access mode set here")
          .note("give each workload a claim of its own, or use a `ReadWriteMany` claim");
    }

  // Immutable fields, compared with the previous build.
  for (const model::PreviousClaim &p : opts_.previousClaims) {
    if (p.owner.empty()) {
      auto it = claims.find({p.ns, p.name});
      if (it != claims.end()) compareWithPrevious(*it->second, p, nullptr);
      continue;
    }
    for (const model::Workload &w : program_.workloads)
      if (w.kind == model::WorkloadKind::StatefulSet && w.ns == p.ns && w.name == p.owner)
        for (const model::Claim &t : w.claimTemplates)
          if (t.name == p.name) compareWithPrevious(t, p, &w);
  }
}

// A claim (or a StatefulSet's claim template, `owner`) against what the
// previous build wrote for it. A bound claim's spec is immutable except
// `resources.requests` (growth only, when its class allows expansion) and
// `volumeAttributesClassName`; a StatefulSet's claim templates may not change
// at all.
void Checker::compareWithPrevious(const model::Claim &c, const model::PreviousClaim &p, const model::Workload *owner) {
  auto join = [](const std::vector<std::string> &l) {
    std::string s;
    for (const std::string &x : l) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  std::string nowSize = c.size ? c.size->canonical() : "";
  std::string nowClass = c.storageClassSet ? c.storageClass : "";
  std::string nowMode = c.volumeMode.empty() ? "Filesystem" : c.volumeMode;
  std::string prevMode = p.volumeMode.value_or("Filesystem");
  if (owner) {
    auto changed = [&](llvm::StringRef field, const std::string &before, const std::string &after, SourceRange where) {
      if (before == after) return false;
      diags_.report(DiagKind::ClaimTemplateChanged, where, c.name, owner->name, field.str(), before.empty() ? "(none)" : before,
                    after.empty() ? "(none)" : after)
          .note(fmt::format("the previous build wrote it in `{}`", p.file))
          .note("pods keep the claims made from the old template; change those claims themselves, or delete the statefulset "
                "with `kubectl delete --cascade=orphan` and apply it again");
      return true;
    };
    // One report per template: the first field that differs. A template
    // without a class gets the cluster default, which rig cannot know.
    if (c.storageClassSet && p.storageClass && changed("storage_class", *p.storageClass, nowClass, c.storageClassRange)) return;
    if (changed("attributes", p.attributesClass.value_or(""), c.attributesClass, c.attributesRange.end ? c.attributesRange : c.nameRange))
      return;
    if (p.size && changed("size", *p.size, nowSize, c.sizeRange)) return;
    if (!p.accessModes.empty() && changed("access_modes", join(p.accessModes), join(c.accessModes), c.accessModesRange)) return;
    changed("volume_mode", prevMode, nowMode, c.nameRange);
    return;
  }
  auto note = [&](Diagnostic &d) { d.note(fmt::format("the previous build wrote it in `{}`", p.file)); };
  // A claim written without a class gets the cluster default at creation;
  // rig cannot know it, so only two explicit names are compared.
  if (c.storageClassSet && p.storageClass && nowClass != *p.storageClass) {
    Diagnostic &diag = diags_.report(DiagKind::StorageClassChanged, c.storageClassRange, c.name, *p.storageClass, nowClass);
    diag.note(fmt::format("the previous build created it with storage class `{}` (`{}`)", *p.storageClass, p.file));
    diag.note("to change IOPS, throughput or volume type of a live claim, keep the storage class and set `attributes` to a "
              "`volume_attributes` class; to move the data to another class, create a new claim and copy it");
  }
  if (!p.accessModes.empty() && p.accessModes != c.accessModes)
    note(diags_.report(DiagKind::ClaimFieldChanged, c.accessModesRange, c.name, "access_modes", join(p.accessModes), join(c.accessModes),
                       "the access modes of an existing claim cannot be changed"));
  if (prevMode != nowMode)
    note(diags_.report(DiagKind::ClaimFieldChanged, c.nameRange, c.name, "volume_mode", prevMode, nowMode,
                       "the volume mode of an existing claim cannot be changed"));
  // Before 1.34 a claim's attributes class may not go back to none once set.
  if (p.attributesClass && !p.attributesClass->empty() && c.attributesClass.empty() && target() < k8s::Version{1, 34})
    note(diags_.report(DiagKind::ClaimFieldChanged, c.nameRange, c.name, "attributes", *p.attributesClass, "(none)",
                       fmt::format("before Kubernetes 1.34 an attributes class cannot be removed once set; the target is {}",
                                   target().str())));
  if (p.size && c.size) {
    QuantityParseResult before = parseQuantity(*p.size);
    if (before.value && c.size->compare(*before.value) < 0) {
      note(diags_.report(DiagKind::ClaimFieldChanged, c.sizeRange, c.name, "size", *p.size, nowSize, "a claim cannot shrink"));
    } else if (before.value && c.size->compare(*before.value) > 0 && c.storageClassSet) {
      for (const model::StorageClass &sc : program_.storage.classes)
        if (sc.name == c.storageClass && !sc.allowVolumeExpansion.value_or(false)) {
          Diagnostic &d = diags_.report(DiagKind::ClaimFieldChanged, c.sizeRange, c.name, "size", *p.size, nowSize,
                                        fmt::format("storage class `{}` does not allow expansion", sc.name));
          note(d);
          d.label(sc.nameRange, "set `allow_expansion = true` here");
        }
    }
  }
}

} // namespace rig::sema
