// GPUs: DRA device classes, GPU requests on workloads, node shapes and the
// cluster inventory. What Kubernetes cannot express (NVLink domains, link
// bandwidth) is kept in the model for the placement proof (verify/) and for
// the node selection that confines pods to the node shapes proved for them.
#include <fmt/format.h>

#include "compiler/check/checker.h"
#include "compiler/k8s/names.h"

#include <set>

namespace rig::sema {

namespace {

std::string migProfileList() {
  std::string list;
  for (const model::MigProfile &p : model::h100MigProfiles()) list += (list.empty() ? "`" : ", `") + p.name.str() + "`";
  return list;
}

// The product names of the H100 80 GB parts, whose MIG geometry rig knows
// (reference §8.1): SXM5 and PCIe.
bool isMigCapableModel(llvm::StringRef model) {
  return model == "NVIDIA H100 80GB HBM3" || model == "NVIDIA H100 PCIe";
}
constexpr llvm::StringRef kMigModels = "\"NVIDIA H100 80GB HBM3\", \"NVIDIA H100 PCIe\"";

// GPU Feature Discovery's product label: the product name with spaces as
// dashes ("NVIDIA-H100-80GB-HBM3").
std::string gfdProduct(llvm::StringRef model) {
  std::string s = model.str();
  std::replace(s.begin(), s.end(), ' ', '-');
  return s;
}

} // namespace

std::optional<int64_t> Checker::bandwidthGBps(const Value &v) {
  if (v.isError()) return std::nullopt;
  if (v.kind != Value::Kind::Number && v.kind != Value::Kind::String) {
    diags_.report(DiagKind::TypeMismatch, v.range, "a bandwidth such as `900GB/s`", describe(v));
    return std::nullopt;
  }
  llvm::StringRef text = v.text;
  size_t digits = 0;
  while (digits < text.size() && isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  int64_t n = 0;
  llvm::StringRef unit = text.drop_front(digits);
  int64_t scale = unit == "GB/s" ? 1 : unit == "TB/s" ? 1000 : 0;
  if (digits == 0 || digits > 9 || scale == 0 || text.take_front(digits).getAsInteger(10, n) || n == 0) {
    diags_.report(DiagKind::InvalidBandwidth, v.range, v.text);
    return std::nullopt;
  }
  return n * scale;
}

bool Checker::checkDeviceDeclaration(const ast::Declaration &d, const std::string &ns) {
  // Device classes, shapes and clusters are cluster-scoped; shared claims
  // live in the file's namespace.
  llvm::StringRef kw = d.keyword.name;
  if (kw == "device_class") checkDeviceClass(d);
  else if (kw == "node_shape") {
    auto name = declName(d, "a node shape");
    if (!name) return true;
    rejectExtraWords(d, 1, "the node shape name");
    model::NodeShape shape;
    shape.name = d.nameWord()->text;
    shape.range = d.range;
    if (!d.body) {
      diags_.report(DiagKind::EmptyNodeShape, name->second, fmt::format("node shape `{}`", shape.name));
      return true;
    }
    checkNodeShape(*d.body, shape, fmt::format("node shape `{}`", shape.name));
    for (const model::NodeShape &s : program_.devices.shapes)
      if (s.name == shape.name) {
        diags_.report(DiagKind::DuplicateDeclaration, name->second, "node shape", shape.name).label(s.range, "first declared here");
        return true;
      }
    program_.devices.shapes.push_back(std::move(shape));
  } else if (kw == "cluster") checkCluster(d);
  else if (kw == "gpu_claim") checkSharedClaim(d, ns);
  else return false;
  return true;
}

void Checker::checkDeviceClass(const ast::Declaration &d) {
  auto name = declName(d, "a device class");
  if (!name) return;
  rejectExtraWords(d, 1, "the device class name");
  model::DeviceClass cls;
  cls.name = name->first;
  cls.sourceName = d.nameWord()->text;
  cls.range = d.range;
  cls.nameRange = name->second;
  for (const std::string &err : k8s::validateDns1123Subdomain(cls.name)) {
    diags_.report(DiagKind::InvalidName, name->second, "device class", cls.name, err);
    break;
  }
  for (const model::DeviceClass &c : program_.devices.classes)
    if (c.name == cls.name) {
      diags_.report(DiagKind::DuplicateDeclaration, name->second, "device class", cls.sourceName).label(c.nameRange, "first declared here");
      return;
    }
  SourceRange modelRange, sharingRange;
  if (d.body) {
    BlockHandlers h;
    h.attribute = [&](const ast::Attribute &a, llvm::StringRef f, const Value &v) {
      if (f == "driver") {
        if (auto s = ex_.string(v, "`driver`")) {
          for (const std::string &err : k8s::validateDns1123Subdomain(*s)) {
            diags_.report(DiagKind::InvalidName, v.range, "driver", *s, err);
            break;
          }
          cls.driver = *s;
        }
      } else if (f == "model") {
        if (auto s = ex_.string(v, "`model`")) cls.model = *s, modelRange = v.range;
      } else if (f == "architecture") {
        if (auto s = ex_.string(v, "`architecture`")) cls.architecture = *s;
      } else if (f == "min_memory") {
        cls.minMemory = ex_.quantity(v, "memory");
        cls.minMemoryRange = v.range;
      } else if (f == "mig") {
        if (auto s = ex_.string(v, "`mig`")) {
          cls.migRange = v.range;
          if (model::findMigProfile(*s)) {
            cls.migProfile = *s;
          } else {
            std::vector<llvm::StringRef> names;
            for (const model::MigProfile &p : model::h100MigProfiles()) names.push_back(p.name);
            Diagnostic &diag = diags_.report(DiagKind::UnknownMigProfile, v.range, *s, migProfileList());
            std::string close = closestMatch(*s, names);
            if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close)).fix(v.range, "\"" + close + "\"");
          }
        }
      } else if (f == "sharing") {
        if (auto s = ex_.oneOf(v, "`sharing`", {"exclusive", "time_slicing"})) {
          cls.sharing = *s == "time_slicing" ? model::GpuSharing::TimeSlicing : model::GpuSharing::Exclusive;
          sharingRange = v.range;
        }
      } else if (f == "interval") {
        if (auto s = ex_.oneOf(v, "`interval`", {"Default", "Short", "Medium", "Long"})) cls.interval = *s, cls.intervalRange = v.range;
      } else if (f == "replicas") {
        cls.replicas = ex_.integer(v, "`replicas`", 1, 1024);
        cls.replicasRange = v.range;
      }
    };
    walkBlock(*d.body, BlockKind::DeviceClass, fmt::format("device class `{}`", cls.sourceName), h);
  }
  if (cls.replicas && cls.sharing != model::GpuSharing::TimeSlicing)
    diags_.report(DiagKind::ReplicasNeedTimeSlicing, cls.replicasRange, "replicas");
  if (!cls.interval.empty() && cls.sharing != model::GpuSharing::TimeSlicing)
    diags_.report(DiagKind::ReplicasNeedTimeSlicing, cls.intervalRange, "interval");
  if (!cls.migProfile.empty() && !cls.model.empty() && !isMigCapableModel(cls.model))
    diags_.report(DiagKind::MigNotSupported, modelRange, "model", cls.model, kMigModels.str())
        .label(cls.migRange, "MIG profile asked for here");
  // A MIG profile names its memory ("3g.40gb"): a larger minimum selects
  // no instance at all.
  if (!cls.migProfile.empty() && cls.minMemory) {
    llvm::StringRef gb = llvm::StringRef(cls.migProfile).split('.').second;
    int64_t nominal = 0;
    if (gb.consume_back("gb") && !gb.getAsInteger(10, nominal)) {
      Quantity q = Quantity::fromMilli(static_cast<__int128>(nominal) * 1024 * 1024 * 1024 * 1000, QuantityFormat::BinarySI);
      if (cls.minMemory->compare(q) > 0)
        diags_.report(DiagKind::MigMemoryTooSmall, cls.minMemoryRange, cls.sourceName, cls.minMemory->canonical(), cls.migProfile,
                      q.canonical())
            .label(cls.migRange, "MIG profile here");
    }
  }
  program_.devices.classes.push_back(std::move(cls));
}

void Checker::checkNodeShape(const ast::Body &body, model::NodeShape &shape, llvm::StringRef where) {
  SourceRange domainRange, rootRange, migRange, modelRange;
  std::optional<int64_t> gpus;
  BlockHandlers h;
  h.attribute = [&](const ast::Attribute &a, llvm::StringRef f, const Value &v) {
    if (f == "gpus") gpus = ex_.integer(v, "`gpus`", 1, 1024);
    else if (f == "model") {
      if (auto s = ex_.string(v, "`model`")) shape.model = *s, modelRange = v.range;
    } else if (f == "architecture") {
      if (auto s = ex_.string(v, "`architecture`")) shape.architecture = *s;
    } else if (f == "memory") shape.memory = ex_.quantity(v, "memory");
    else if (f == "nvlink_domain") {
      if (auto n = ex_.integer(v, "`nvlink_domain`", 1, 1024)) shape.nvlinkDomainSize = *n, domainRange = v.range;
    } else if (f == "pcie_root") {
      if (auto n = ex_.integer(v, "`pcie_root`", 1, 1024)) shape.pcieRootSize = *n, rootRange = v.range;
    } else if (f == "link_bandwidth") {
      if (auto b = bandwidthGBps(v)) shape.linkBandwidthGBps = *b;
    } else if (f == "mig") {
      if (auto b = ex_.boolean(v, "`mig`")) shape.mig = *b, migRange = v.range;
    }
  };
  h.declaration = [&](const ast::Declaration &c) {
    if (c.keyword.name == "labels")
      if (auto m = stringMap(c, "node labels"))
        for (auto &[k, v] : *m) shape.labels[k] = v;
  };
  walkBlock(body, BlockKind::NodeShape, where, h);
  if (!gpus) {
    diags_.report(DiagKind::EmptyNodeShape, body.range, where.str());
    return;
  }
  shape.gpus = *gpus;
  if (shape.gpus % shape.nvlinkDomainSize != 0)
    diags_.report(DiagKind::InvalidTopologySize, domainRange, "nvlink_domain", shape.nvlinkDomainSize, shape.gpus);
  if (shape.gpus % shape.pcieRootSize != 0)
    diags_.report(DiagKind::InvalidTopologySize, rootRange, "pcie_root", shape.pcieRootSize, shape.gpus);
  if (shape.mig && !isMigCapableModel(shape.model))
    diags_.report(DiagKind::MigNotSupported, shape.model.empty() ? migRange : modelRange, "model",
                  shape.model.empty() ? std::string("(none)") : shape.model, kMigModels.str());
  // The labels GPU Feature Discovery puts on every GPU node; the user's win.
  if (!shape.model.empty() && k8s::validateLabelValue(gfdProduct(shape.model)).empty())
    shape.labels.emplace("nvidia.com/gpu.product", gfdProduct(shape.model));
  shape.labels.emplace("nvidia.com/gpu.count", std::to_string(shape.gpus));
}

void Checker::checkCluster(const ast::Declaration &d) {
  auto name = declName(d, "a cluster");
  if (!name) return;
  rejectExtraWords(d, 1, "the cluster name");
  if (program_.devices.cluster) {
    diags_.report(DiagKind::SecondCluster, name->second, d.nameWord()->text)
        .label(program_.devices.cluster->nameRange, "the first cluster");
    return;
  }
  model::Cluster cluster;
  cluster.name = d.nameWord()->text;
  cluster.range = d.range;
  cluster.nameRange = name->second;
  std::map<std::string, SourceRange> seen;
  BlockHandlers h;
  h.declaration = [&](const ast::Declaration &n) {
    const ast::Word *w = n.nameWord();
    if (!w || w->kind != ast::Word::Kind::Name) {
      diags_.report(DiagKind::MissingName, n.keyword.range, "a node");
      return;
    }
    rejectExtraWords(n, 1, "the node name");
    model::NodeGroup group;
    group.range = n.range;
    group.written = w->text;
    if (!w->index) {
      group.nodes.push_back(w->text);
    } else {
      // `dgx[1..4]` -> dgx1 … dgx4; `dgx[3]` -> dgx3.
      int64_t lo = 0, hi = 0;
      bool ok = false;
      auto intOf = [&](const ast::Expr &e, int64_t &out) {
        Value v = eval(e);
        if (v.kind != Value::Kind::Int) return false;
        out = v.integer;
        return true;
      };
      if (auto *r = llvm::dyn_cast<ast::RangeExpr>(w->index.get())) ok = intOf(*r->lo, lo) && intOf(*r->hi, hi);
      else if (intOf(*w->index, lo)) ok = true, hi = lo;
      SourceRange whole = SourceRange::join(w->range, w->index->range);
      group.written = sm_.text(whole.file).slice(whole.begin, whole.end).str();
      if (!ok) {
        diags_.report(DiagKind::InvalidNodeRange, w->index->range, group.written, "expected `[FIRST..LAST]` with whole numbers");
        return;
      }
      if (lo < 0 || hi < lo || hi - lo >= 100000) {
        diags_.report(DiagKind::InvalidNodeRange, w->index->range, group.written,
                      hi < lo ? "the last number is smaller than the first" : "expected between 1 and 100000 nodes of numbers from 0");
        return;
      }
      for (int64_t i = lo; i <= hi; ++i) group.nodes.push_back(fmt::format("{}{}", w->text, i));
    }
    for (const std::string &node : group.nodes) {
      auto [it, inserted] = seen.emplace(node, n.range);
      if (!inserted) {
        diags_.report(DiagKind::DuplicateNodeName, w->range, node, cluster.name).label(it->second, "first declared here");
        return;
      }
    }
    if (n.value) {
      Value v = eval(*n.value);
      if (v.kind != Value::Kind::Symbol) {
        if (!v.isError()) diags_.report(DiagKind::TypeMismatch, v.range, "the name of a node shape", describe(v));
        return;
      }
      if (n.body) diags_.report(DiagKind::UnexpectedBody, n.body->range, fmt::format("node `{}` = {}", group.written, v.text));
      group.shapeRef = v.text;
      group.shapeRefRange = v.range;
    } else if (n.body) {
      checkNodeShape(*n.body, group.shape, fmt::format("node `{}`", group.written));
      if (group.shape.gpus == 0) return;
    } else {
      diags_.report(DiagKind::EmptyNodeShape, n.range, fmt::format("node `{}`", group.written));
      return;
    }
    cluster.groups.push_back(std::move(group));
  };
  if (d.body) walkBlock(*d.body, BlockKind::Cluster, fmt::format("cluster `{}`", cluster.name), h);
  program_.devices.cluster = std::move(cluster);
}

bool Checker::gpuRequestBody(const ast::Declaration &d, model::GpuRequest &r) {
  bool sawClass = false;
  if (d.body) {
    BlockHandlers h;
    h.attribute = [&](const ast::Attribute &a, llvm::StringRef f, const Value &v) {
      if (f == "count") {
        if (auto n = ex_.integer(v, "`count`", 1, 1024)) r.count = *n, r.countRange = v.range;
      } else if (f == "class") {
        if (v.kind == Value::Kind::Symbol) {
          r.className = k8s::identifierToK8sName(v.text);
          r.classRange = v.range;
          sawClass = true;
        } else if (auto s = ex_.string(v, "`class`")) {
          r.className = *s;
          r.classRange = v.range;
          sawClass = true;
        }
      } else if (f == "min_bandwidth") {
        if (auto b = bandwidthGBps(v)) r.minBandwidthGBps = *b, r.bandwidthRange = v.range;
      }
    };
    h.declaration = [&](const ast::Declaration &c) {
      // `same node, nvlink_domain`
      if (c.value || c.body) {
        diags_.report(DiagKind::SameTakesNoValue, c.range);
        return;
      }
      r.sameRange = c.range;
      for (const ast::WordGroup &g : c.words)
        for (const ast::Word &word : g) {
          if (word.text == "node") r.sameNode = true;
          else if (word.text == "nvlink_domain") r.sameNvlinkDomain = true;
          else if (word.text == "pcie_root") r.samePcieRoot = true;
          else {
            Diagnostic &diag = diags_.report(DiagKind::UnknownSameScope, word.range, word.text);
            std::string close = closestMatch(word.text, llvm::ArrayRef<llvm::StringRef>{"node", "nvlink_domain", "pcie_root"});
            if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close)).fix(word.range, close);
          }
        }
    };
    walkBlock(*d.body, BlockKind::GpuRequest, fmt::format("GPU request `{}`", r.sourceName), h);
  }
  if (!sawClass) diags_.report(DiagKind::MissingField, r.nameRange, fmt::format("GPU request `{}`", r.sourceName), "class");
  return sawClass;
}

void Checker::checkGpuRequest(const ast::Declaration &d, model::Workload &w) {
  auto name = declName(d, "a GPU request");
  if (!name) return;
  rejectExtraWords(d, 1, "the GPU request name");
  model::GpuRequest r;
  r.name = name->first;
  r.sourceName = d.nameWord()->text;
  r.range = d.range;
  r.nameRange = name->second;
  r.countRange = r.classRange = d.range;
  r.templateName = w.name + "-" + r.name;
  for (const std::string &err : k8s::validateDns1123Label(r.name)) {
    diags_.report(DiagKind::InvalidName, name->second, "GPU request", r.name, err);
    break;
  }
  for (const model::GpuRequest &o : w.gpus)
    if (o.name == r.name) {
      diags_.report(DiagKind::DuplicateDeclaration, name->second, "GPU request", r.sourceName).label(o.nameRange, "first declared here");
      return;
    }
  if (d.value) {
    // `gpus shared = team_gpu`: a shared claim, resolved after every file.
    Value v = eval(*d.value);
    if (d.body) diags_.report(DiagKind::UnexpectedBody, d.body->range, fmt::format("`gpus {} = …`", r.sourceName));
    if (v.kind != Value::Kind::Symbol) {
      if (!v.isError()) diags_.report(DiagKind::TypeMismatch, v.range, "the name of a `gpu_claim`", describe(v));
      return;
    }
    r.sharedClaim = k8s::identifierToK8sName(v.text);
    r.claimRange = v.range;
    r.templateName.clear();
    w.gpus.push_back(std::move(r));
    return;
  }
  // Kept even without a class (already reported), so `uses` of it does not
  // cascade into a second error.
  gpuRequestBody(d, r);
  w.gpus.push_back(std::move(r));
}

void Checker::checkSharedClaim(const ast::Declaration &d, const std::string &ns) {
  auto name = declName(d, "a GPU claim");
  if (!name) return;
  rejectExtraWords(d, 1, "the GPU claim name");
  model::SharedClaim c;
  c.name = name->first;
  c.sourceName = d.nameWord()->text;
  c.ns = ns;
  c.range = d.range;
  c.nameRange = name->second;
  for (const std::string &err : k8s::validateDns1123Subdomain(c.name)) {
    diags_.report(DiagKind::InvalidName, name->second, "GPU claim", c.name, err);
    break;
  }
  if (const model::SharedClaim *prev = program_.devices.findClaim(ns, c.name)) {
    diags_.report(DiagKind::DuplicateDeclaration, name->second, "GPU claim", c.sourceName).label(prev->nameRange, "first declared here");
    return;
  }
  c.request.name = "gpus";
  c.request.sourceName = c.sourceName;
  c.request.range = d.range;
  c.request.nameRange = c.nameRange;
  c.request.countRange = c.request.classRange = d.range;
  if (gpuRequestBody(d, c.request)) program_.devices.claims.push_back(std::move(c));
}

void Checker::checkClaimUse(const ast::Declaration &d, model::Container &c) {
  // `uses all8` or `uses gpus, scratch`: one request name per group.
  if (d.words.empty() || d.words[0].empty()) {
    diags_.report(DiagKind::MissingName, d.keyword.range, "`uses`");
    return;
  }
  if (d.body) diags_.report(DiagKind::UnexpectedBody, d.body->range, "`uses`");
  for (const ast::WordGroup &g : d.words) {
    const ast::Word &w = g.front();
    if (w.index || w.kind == ast::Word::Kind::Number) {
      diags_.report(DiagKind::MissingName, w.range, "`uses`");
      continue;
    }
    if (g.size() > 1) diags_.report(DiagKind::UnexpectedWords, g[1].range, g[1].text, "the GPU request name");
    std::string name = w.kind == ast::Word::Kind::String ? w.text : k8s::identifierToK8sName(w.text);
    auto prev = std::find_if(c.claims.begin(), c.claims.end(), [&](const model::ClaimUse &u) { return u.request == name; });
    if (prev != c.claims.end()) {
      diags_.report(DiagKind::DuplicateField, w.range, "uses " + w.text).label(prev->range, "first set here");
      continue;
    }
    c.claims.push_back({name, w.range});
  }
}

void Checker::finishDevices() {
  model::DeviceModel &dm = program_.devices;
  // DRA with structured parameters exists from 1.31; report it once, at the
  // first thing that needs it.
  if (k8s::draApi(target()).empty()) {
    std::optional<SourceRange> first;
    if (!dm.classes.empty()) first = dm.classes.front().nameRange;
    for (const model::Workload &w : program_.workloads)
      if (!w.gpus.empty() && (!first || w.gpus.front().range.begin < first->begin)) first = w.gpus.front().nameRange;
    if (first) diags_.report(DiagKind::DraBeforeVersion, *first, "a GPU request or device class", target().str());
  }

  // Node shapes referenced by name.
  if (dm.cluster) {
    for (model::NodeGroup &g : dm.cluster->groups) {
      if (g.shapeRef.empty()) continue;
      const model::NodeShape *found = nullptr;
      std::vector<llvm::StringRef> names;
      for (const model::NodeShape &s : dm.shapes) {
        names.push_back(s.name);
        if (s.name == g.shapeRef) found = &s;
      }
      if (found) {
        g.shape = *found;
        continue;
      }
      Diagnostic &diag = diags_.report(DiagKind::UnknownNodeShape, g.shapeRefRange, g.shapeRef);
      std::string close = closestMatch(g.shapeRef, names);
      if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close)).fix(g.shapeRefRange, close);
    }
    auto &groups = dm.cluster->groups;
    groups.erase(std::remove_if(groups.begin(), groups.end(), [](const model::NodeGroup &g) { return g.shape.gpus == 0; }),
                 groups.end());
  }

  std::vector<std::string> classNames;
  for (const model::DeviceClass &c : dm.classes) classNames.push_back(c.name);
  // The class and constraints of one request (a workload's or a shared
  // claim's); false when the class is unknown.
  auto validateRequest = [&](model::GpuRequest &r) {
    if (r.className.empty()) return false; // no class: reported where it was missing
    const model::DeviceClass *cls = dm.findClass(r.className);
    if (!cls) {
      Diagnostic &diag = diags_.report(DiagKind::UnknownDeviceClass, r.classRange, r.className);
      std::string close = closestMatch(r.className, classNames);
      if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close)).fix(r.classRange, close);
      return false;
    }
    // A bandwidth between GPUs is an NVLink property: asking for one asks
    // for NVLink-connected GPUs.
    if (r.minBandwidthGBps > 0 && r.count > 1) r.sameNvlinkDomain = true;
    if (!cls->migProfile.empty() && (r.sameNvlinkDomain || r.minBandwidthGBps > 0)) {
      Diagnostic &diag = diags_.report(DiagKind::MigWithInterconnect, r.nameRange, r.sourceName, cls->sourceName,
                                       r.minBandwidthGBps > 0 ? "`min_bandwidth`" : "`same nvlink_domain`");
      diag.label(cls->migRange, "MIG profile of the class");
      if (r.minBandwidthGBps > 0) diag.label(r.bandwidthRange, "bandwidth asked for here");
      else diag.label(r.sameRange, "constraint here");
    }
    if (r.samePcieRoot && !k8s::draPcieRootPublished(target()) && !k8s::draApi(target()).empty()) diags_.report(DiagKind::PcieRootNotPublished, r.sameRange, r.sourceName);
    return true;
  };
  std::set<std::string> validClaims;
  for (model::SharedClaim &c : dm.claims)
    if (validateRequest(c.request)) validClaims.insert(c.ns + "/" + c.name);
  std::map<std::string, int64_t> claimPods, claimContainers;
  for (model::Workload &w : program_.workloads) {
    if (w.gpus.empty()) {
      if (!w.hints.gpuClaimUses) continue;
      for (const auto *list : {&w.pod.initContainers, &w.pod.containers})
        for (const model::Container &c : *list)
          for (const model::ClaimUse &u : c.claims) diags_.report(DiagKind::UnknownGpuRequest, u.range, c.name, u.request, u.request);
      continue;
    }
    for (model::GpuRequest &r : w.gpus) {
      if (r.sharedClaim.empty()) {
        validateRequest(r);
        continue;
      }
      const model::SharedClaim *claim = dm.findClaim(w.ns, r.sharedClaim);
      if (!claim) {
        llvm::StringRef written = sm_.text(r.claimRange.file).slice(r.claimRange.begin, r.claimRange.end);
        Diagnostic &diag = diags_.report(DiagKind::UnknownSharedClaim, r.claimRange, written.str(), w.ns.empty() ? "default" : w.ns);
        std::vector<std::string> names;
        for (const model::SharedClaim &c : dm.claims)
          if (c.ns == w.ns) names.push_back(c.sourceName);
        std::string close = closestMatch(written, names);
        if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close)).fix(r.claimRange, close);
        for (const model::SharedClaim &c : dm.claims)
          if (c.name == r.sharedClaim) diag.label(c.nameRange, fmt::format("declared in namespace `{}`; a pod uses claims of its own namespace", c.ns.empty() ? "default" : c.ns));
        continue;
      }
      if (!validClaims.count(claim->ns + "/" + claim->name)) continue;
      // The pod asks for what the claim holds.
      const model::GpuRequest &cr = claim->request;
      r.className = cr.className;
      r.count = cr.count;
      r.sameNode = cr.sameNode;
      r.sameNvlinkDomain = cr.sameNvlinkDomain;
      r.samePcieRoot = cr.samePcieRoot;
      r.minBandwidthGBps = cr.minBandwidthGBps;
      claimPods[claim->ns + "/" + claim->name] += std::max<int64_t>(model::concurrentPods(w), 1);
    }
    for (auto *list : {&w.pod.initContainers, &w.pod.containers})
      for (model::Container &c : *list)
        for (const model::ClaimUse &u : c.claims) {
          auto it = std::find_if(w.gpus.begin(), w.gpus.end(), [&](const model::GpuRequest &r) { return r.name == u.request; });
          if (it == w.gpus.end()) {
            Diagnostic &diag = diags_.report(DiagKind::UnknownGpuRequest, u.range, c.name, u.request, u.request);
            std::vector<std::string> names;
            for (const model::GpuRequest &r : w.gpus) names.push_back(r.name);
            std::string close = closestMatch(u.request, names);
            if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close));
            continue;
          }
          it->users.push_back(c.name);
        }
    for (const model::GpuRequest &r : w.gpus) {
      if (r.users.empty()) diags_.report(DiagKind::UnusedGpuRequest, r.nameRange, r.sourceName);
      if (!r.sharedClaim.empty()) {
        // Every container of every pod of the workload shares the claim.
        claimContainers[w.ns + "/" + r.sharedClaim] += std::max<int64_t>(model::concurrentPods(w), 1) * r.users.size();
        continue;
      }
      const model::DeviceClass *cls = dm.findClass(r.className);
      if (cls && cls->replicas && static_cast<int64_t>(r.users.size()) > *cls->replicas)
        diags_.report(DiagKind::TooManySharers, r.nameRange, cls->sourceName, *cls->replicas, r.users.size(), r.sourceName)
            .label(cls->replicasRange, "replicas set here");
    }
    if (w.kind == model::WorkloadKind::DaemonSet && dm.cluster)
      diags_.report(DiagKind::DaemonSetNotPlaced, w.nameRange, w.name);
  }

  // Shared claims: time-slicing consumers across pods, and the API's limit
  // on the pods one claim can be reserved for (status.reservedFor).
  int64_t reservedLimit = k8s::draMaxClaimConsumers(target());
  for (const model::SharedClaim &c : dm.claims) {
    std::string key = c.ns + "/" + c.name;
    const model::DeviceClass *cls = dm.findClass(c.request.className);
    int64_t containers = claimContainers.count(key) ? claimContainers[key] : 0;
    if (cls && cls->replicas && containers > *cls->replicas)
      diags_.report(DiagKind::TooManySharers, c.nameRange, cls->sourceName, *cls->replicas, containers, c.sourceName)
          .label(cls->replicasRange, "replicas set here");
    if (claimPods.count(key) && claimPods[key] > reservedLimit)
      diags_.report(DiagKind::TooManyClaimUsers, c.nameRange, c.sourceName, claimPods[key], target().str(), reservedLimit);
  }

  // Confine pods whose requests carry constraints only rig can prove (NVLink
  // domain, bandwidth) to the node shapes that can hold them: a node
  // selector on the labels those shapes share and no other shape has.
  if (!dm.cluster) return;
  for (model::Workload &w : program_.workloads) {
    // What the user selected already: a node without those labels is no
    // candidate, whatever its GPUs.
    const model::StringMap userSelector = w.pod.nodeSelector;
    auto hasLabels = [](const model::NodeGroup &g, const auto &labels) {
      return std::all_of(labels.begin(), labels.end(), [&](const auto &kv) {
        auto it = g.shape.labels.find(kv.first);
        return it != g.shape.labels.end() && it->second == kv.second;
      });
    };
    std::map<std::string, std::string> selector;
    bool conflict = false;
    for (const model::GpuRequest &r : w.gpus) {
      if (!r.sameNvlinkDomain && r.minBandwidthGBps == 0) continue;
      const model::DeviceClass *cls = dm.findClass(r.className);
      if (!cls || !cls->migProfile.empty()) continue;
      std::optional<std::map<std::string, std::string>> common;
      std::vector<const model::NodeGroup *> others;
      for (const model::NodeGroup &g : dm.cluster->groups) {
        if (!model::requestFitsShape(r, *cls, g.shape)) {
          // Nodes whose GPUs the class does not select are excluded by the
          // scheduler's own allocation already.
          if (model::classMatchesShape(*cls, g.shape)) others.push_back(&g);
          continue;
        }
        if (!common) common = g.shape.labels;
        else
          for (auto it = common->begin(); it != common->end();)
            it = g.shape.labels.count(it->first) && g.shape.labels.at(it->first) == it->second ? std::next(it) : common->erase(it);
      }
      if (!common) continue; // no node can hold it: placement reports that
      for (const model::NodeGroup *g : others) {
        if (hasLabels(*g, *common) && hasLabels(*g, userSelector)) {
          diags_.report(DiagKind::CannotConfine, r.nameRange, r.sourceName, g->nodes.front()).label(g->range, "this node");
          common.reset();
          break;
        }
      }
      if (!common) continue;
      for (auto &[k, v] : *common) {
        auto [it, inserted] = selector.emplace(k, v);
        if (!inserted && it->second != v) conflict = true;
      }
    }
    if (conflict) continue;
    // The user's own node selector wins over a derived label.
    for (auto &[k, v] : selector) w.pod.nodeSelector.emplace(k, v);
  }
}

} // namespace rig::sema
