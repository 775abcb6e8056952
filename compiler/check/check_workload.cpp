// Workloads: pod, deployment, statefulset, daemonset, job, cronjob. Their
// own fields, labels and annotations, pod-level settings, and the dispatch
// to containers and volumes.
#include "compiler/check/checker.h"
#include "compiler/k8s/names.h"

namespace rig::sema {

using llvm::dyn_cast;

namespace {

// Errors point at the key as written; keys rig adds itself (`app`) fall
// back to `where`.
void validateLabels(Diagnostics &diags, const model::StringMap &labels, const std::map<std::string, SourceRange> &keyRanges,
                    SourceRange fallback, llvm::StringRef what) {
  for (const auto &[k, v] : labels) {
    auto found = keyRanges.find(k);
    SourceRange where = found != keyRanges.end() ? found->second : fallback;
    // Annotation keys are checked lower-cased by the API server; label keys as written.
    for (const std::string &e : what == "label" ? k8s::validateQualifiedName(k) : k8s::validateAnnotationKey(k)) {
      diags.report(DiagKind::InvalidLabel, where, fmt::format("{} key", what.str()), k, e);
      break;
    }
    if (what == "label")
      for (const std::string &e : k8s::validateLabelValue(v)) {
        diags.report(DiagKind::InvalidLabel, where, "label value", v, e);
        break;
      }
  }
}

} // namespace

void Checker::checkWorkload(const ast::Declaration &d, model::WorkloadKind kind, const std::string &ns) {
  llvm::StringRef kw = model::workloadKeyword(kind);
  auto name = declName(d, kw);
  if (!name) return;
  // Built in place at the end of the list: a Workload is large, and every
  // move of one writes a kilobyte more of fresh memory.
  model::Workload &w = program_.workloads.emplace_back();
  w.kind = kind;
  w.ns = ns;
  w.range = d.range;
  w.name = name->first;
  w.sourceName = d.nameWord()->text;
  w.nameRange = name->second;
  rejectExtraWords(d, 1, [&] { return fmt::format("the {} name", kw.str()); });
  if (!d.after.empty()) diags_.report(DiagKind::UnexpectedWords, d.after.front().range, "after", "a workload; `after` orders sidecars");
  if (d.value) diags_.report(DiagKind::UnsupportedConstruct, d.value->range, "instantiating a workload from a value");

  // Object names: DNS-1123 subdomains; the name is also the `app` label
  // value, which must fit a label (63 characters). CronJob names leave room
  // for the 11-character suffix of the jobs it creates.
  {
    std::vector<std::string> errs = k8s::validateDns1123Subdomain(w.name);
    if (errs.empty() && w.name.size() > 63) errs.push_back("must be no more than 63 characters, because it is also the `app` label");
    if (errs.empty() && kind == model::WorkloadKind::CronJob && w.name.size() > 52)
      errs.push_back("must be no more than 52 characters for a CronJob");
    if (!errs.empty()) {
      Diagnostic &diag = diags_.report(DiagKind::InvalidName, w.nameRange, kw.str(), w.name, errs.front());
      std::string fixed = k8s::suggestDns1123(w.name);
      if (!fixed.empty() && fixed != w.name) {
        diag.note(fmt::format("did you mean `{}`?", fixed));
        bool isString = d.nameWord()->kind == ast::Word::Kind::String;
        std::string spelled = fixed;
        if (!isString) std::replace(spelled.begin(), spelled.end(), '-', '_'); // identifiers say `_` for `-`
        diag.fix(w.nameRange, isString ? "\"" + fixed + "\"" : spelled);
      }
    }
  }
  w.labels["app"] = w.name;
  if (kind == model::WorkloadKind::Job || kind == model::WorkloadKind::CronJob) w.pod.restartPolicy = "Never";

  if (!d.body) {
    diags_.report(DiagKind::NoContainers, w.nameRange, kw.str(), w.name);
    return;
  }

  std::vector<const ast::Declaration *> containers, volumes;
  const ast::Item *labelsItem = nullptr;
  KeyRanges labelKeys, annotationKeys, podAnnotationKeys;
  BlockHandlers h;
  h.attribute = [&](const ast::Attribute &a, llvm::StringRef f, const Value &v) {
    if (!attributeAllowedOn(kw, f)) {
      diags_.report(DiagKind::MisplacedDeclaration, a.path.front().range, "`" + f.str() + "`", fmt::format("on a {}", kw.str()));
      return;
    }
    if (f == "replicas") {
      if (v.kind == Value::Kind::Int && v.integer < 0) diags_.report(DiagKind::InvalidReplicas, v.range, v.integer);
      else if (auto n = ex_.integer(v, "`replicas`", 0, INT32_MAX)) w.replicas = n;
    } else if (f == "labels") {
      labelsItem = &a;
    } else if (f == "annotations") {
      if (auto m = stringMap(a, "annotations", &annotationKeys)) w.annotations = *m;
    } else if (f == "pod_annotations") {
      if (auto m = stringMap(a, "pod annotations", &podAnnotationKeys)) w.podAnnotations = *m;
    } else if (f == "node_selector") {
      if (auto m = stringMap(a, "the node selector")) w.pod.nodeSelector = *m;
    } else if (f == "termination_grace_period") {
      w.pod.terminationGracePeriodSeconds = ex_.durationSeconds(v, "`termination_grace_period`");
    } else if (f == "restart_policy") {
      static const llvm::StringRef allowed[] = {"Always", "OnFailure", "Never"};
      if (auto p = ex_.oneOf(v, "restart policy", allowed)) {
        bool isJob = kind == model::WorkloadKind::Job || kind == model::WorkloadKind::CronJob;
        if (isJob && *p == "Always")
          diags_.report(DiagKind::RestartPolicyWorkload, v.range, *p, kw.str(), "a job's pods must end: use `Never` or `OnFailure`");
        else if (!isJob && kind != model::WorkloadKind::Pod && *p != "Always")
          diags_.report(DiagKind::RestartPolicyWorkload, v.range, *p, kw.str(), "its pods always restart; only `Always` is accepted");
        else
          w.pod.restartPolicy = *p;
      }
    } else if (f == "service_account") {
      if (auto s = ex_.string(v, "`service_account`")) {
        auto errs = k8s::validateDns1123Subdomain(*s);
        if (!errs.empty()) diags_.report(DiagKind::InvalidName, v.range, "service account", *s, errs.front());
        else w.pod.serviceAccountName = *s;
      }
    } else if (f == "service_name") {
      if (auto s = ex_.string(v, "`service_name`")) {
        auto errs = k8s::validateDns1123Label(*s);
        if (!errs.empty()) diags_.report(DiagKind::InvalidName, v.range, "service", *s, errs.front());
        else w.serviceName = *s;
      }
    } else if (f == "host_network") {
      w.pod.hostNetwork = ex_.boolean(v, "`host_network`");
    } else if (f == "apparmor") {
      w.pod.security.mut().appArmor = appArmorRef(v);
    } else if (f == "seccomp") {
      if (auto s = seccompProfile(v)) w.pod.security.mut().seccomp = *s;
    } else {
      checkJobAttribute(a, f, v, w); // job and cronjob fields (check_job.cpp)
    }
  };
  h.declaration = [&](const ast::Declaration &c) {
    const std::string &ck = c.keyword.name;
    if (ck == "container" || ck == "sidecar" || ck == "init") containers.push_back(&c);
    else if (ck == "volume") volumes.push_back(&c);
    else if (ck == "claim_template") checkClaimTemplate(c, w);
    else if (ck == "gpus") checkGpuRequest(c, w);
    else if (ck == "labels") labelsItem = &c;
    else if (ck == "annotations") {
      if (auto m = stringMap(c, "annotations", &annotationKeys)) w.annotations = *m;
    } else if (ck == "pod_annotations") {
      if (auto m = stringMap(c, "pod annotations", &podAnnotationKeys)) w.podAnnotations = *m;
    } else if (ck == "node_selector") {
      if (auto m = stringMap(c, "the node selector")) w.pod.nodeSelector = *m;
    } else if (ck == "security") {
      if (!c.body || !c.words.empty()) {
        diags_.report(DiagKind::SyntaxError, c.range, "expected `security { … }`");
        return;
      }
      BlockHandlers sh;
      sh.attribute = [&](const ast::Attribute &a, llvm::StringRef f, const Value &v) {
        if (f == "run_as_user") w.pod.security.mut().runAsUser = ex_.integer(v, "`run_as_user`", 0, INT32_MAX);
        else if (f == "run_as_group") w.pod.security.mut().runAsGroup = ex_.integer(v, "`run_as_group`", 0, INT32_MAX);
        else if (f == "fs_group") w.pod.security.mut().fsGroup = ex_.integer(v, "`fs_group`", 0, INT32_MAX);
        else if (f == "run_as_non_root") w.pod.security.mut().runAsNonRoot = ex_.boolean(v, "`run_as_non_root`");
      };
      walkBlock(*c.body, BlockKind::PodSecurity, "the pod security context", sh);
      if (w.pod.security->runAsNonRoot.value_or(false) && w.pod.security->runAsUser.value_or(-1) == 0)
        diags_.report(DiagKind::ConflictingSecurity, c.range);
    }
  };
  h.other = [&](const ast::Item &it) {
    if (it.kind == ast::ItemKind::FailureRule && (kind == model::WorkloadKind::Job || kind == model::WorkloadKind::CronJob)) {
      checkFailureRule(llvm::cast<ast::FailureRule>(it), w);
      return true;
    }
    return false;
  };
  walkBlock(*d.body, BlockKind::Workload, [&] { return fmt::format("a {}", kw.str()); }, h);

  if (labelsItem) {
    if (auto m = stringMap(*labelsItem, "labels", &labelKeys)) {
      for (auto &[k, v] : *m) {
        if (k == "app" && v != w.name) {
          diags_.report(DiagKind::ReservedLabel, labelKeys[k], w.name, v);
          continue;
        }
        w.labels[k] = v;
      }
    }
  }
  validateLabels(diags_, w.labels, labelKeys, w.nameRange, "label");
  validateLabels(diags_, w.annotations, annotationKeys, w.nameRange, "annotation");
  validateLabels(diags_, w.podAnnotations, podAnnotationKeys, w.nameRange, "annotation");
  size_t annotationBytes = 0;
  for (const auto &[k, v] : w.annotations) annotationBytes += k.size() + v.size();
  if (annotationBytes > k8s::kMaxAnnotationsTotalBytes)
    diags_.report(DiagKind::AnnotationsTooLarge, w.nameRange, w.name, annotationBytes);

  for (const ast::Declaration *v : volumes) {
    model::Volume vol;
    checkVolume(*v, vol);
    if (!vol.name.empty()) w.pod.volumes.push_back(std::move(vol));
  }
  size_t mains = std::count_if(containers.begin(), containers.end(),
                               [](const ast::Declaration *c) { return c->keyword.name == "container"; });
  w.pod.containers.reserve(mains);
  w.pod.initContainers.reserve(containers.size() - mains);
  for (const ast::Declaration *c : containers) {
    model::ContainerRole role = c->keyword.name == "sidecar" ? model::ContainerRole::Sidecar
                                : c->keyword.name == "init"  ? model::ContainerRole::Init
                                                             : model::ContainerRole::Main;
    // Built in place: a Container is large, and moving it is not free.
    auto &list = role == model::ContainerRole::Main ? w.pod.containers : w.pod.initContainers;
    model::Container &con = list.emplace_back();
    checkContainer(*c, role, con);
    if (con.name.empty()) list.pop_back();
  }
  if (w.pod.containers.empty()) {
    Diagnostic &diag = diags_.report(DiagKind::NoContainers, w.nameRange, kw.str(), w.name);
    if (!w.pod.initContainers.empty()) diag.note("sidecars and init containers run beside or before a main container; declare one with `container`");
  }
  checkPodRules(w);
  if (kind == model::WorkloadKind::Job || kind == model::WorkloadKind::CronJob) finishJob(w);
  noteCrossCheckHints(w);
}

void noteCrossCheckHints(model::Workload &w) {
  model::Workload::CrossCheckHints &h = w.hints;
  auto ref = [&](const std::optional<model::AppArmorRef> &r) {
    if (!r) return;
    h.appArmorDeclared |= r->declared;
    h.appArmorLocalhost |= r->kind == model::AppArmorRef::Kind::Localhost;
    h.appArmorUnconfined |= r->kind == model::AppArmorRef::Kind::Unconfined;
  };
  ref(w.pod.security->appArmor);
  for (const auto *list : {&w.pod.initContainers, &w.pod.containers})
    for (const model::Container &c : *list) {
      ref(c.security->appArmor);
      h.gpuClaimUses |= !c.claims.empty();
    }
}

void Checker::checkVolume(const ast::Declaration &d, model::Volume &vol) {
  auto name = declName(d, "volume");
  if (!name) return;
  rejectExtraWords(d, 1, "the volume name");
  if (d.body) diags_.report(DiagKind::UnexpectedBody, d.body->range, "a volume");
  vol.range = d.range;
  if (!d.value) {
    diags_.report(DiagKind::MissingField, d.range, fmt::format("volume `{}`", name->first),
                  "= empty_dir() | config_map(\"name\") | secret(\"name\") | claim(\"name\") | host_path(\"/path\")");
    return;
  }
  vol.name = name->first;
  vol.range = name->second;
  Value v = eval(*d.value);
  static const llvm::StringRef kinds[] = {"empty_dir", "config_map", "secret", "claim", "host_path"};
  if (v.kind != Value::Kind::Call) {
    if (!v.isError())
      diags_.report(DiagKind::TypeMismatch, v.range, "a volume source such as `empty_dir()` or `config_map(\"name\")`", describe(v));
    return;
  }
  auto argCount = [&](size_t want, llvm::StringRef what) {
    if (v.items.size() == want) return true;
    diags_.report(DiagKind::WrongArgumentCount, v.range, v.text, what.str(), v.items.size());
    return false;
  };
  auto checkNamed = [&](llvm::ArrayRef<llvm::StringRef> allowed) {
    for (const Value::Entry &e : v.entries)
      if (std::find(allowed.begin(), allowed.end(), e.key) == allowed.end()) {
        Diagnostic &diag = diags_.report(DiagKind::UnknownArgument, e.keyRange, e.key, v.text);
        std::string close = closestMatch(e.key, allowed);
        if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close)).fix(e.keyRange, close);
      }
  };
  bool ok = true;
  if (v.text == "empty_dir") {
    vol.kind = model::Volume::Kind::EmptyDir;
    ok = argCount(0, "only named arguments (`medium`, `size_limit`)");
    checkNamed({"medium", "size_limit"});
    if (const Value *m = v.named("medium")) {
      static const llvm::StringRef media[] = {"Memory", "memory", "disk"};
      if (auto s = ex_.oneOf(*m, "empty_dir medium", media)) vol.medium = *s == "disk" ? "" : "Memory";
    }
    if (const Value *s = v.named("size_limit")) vol.sizeLimit = ex_.quantity(*s, "size_limit");
  } else if (v.text == "config_map" || v.text == "secret" || v.text == "claim") {
    vol.kind = v.text == "config_map" ? model::Volume::Kind::ConfigMap
               : v.text == "secret"   ? model::Volume::Kind::Secret
                                      : model::Volume::Kind::Claim;
    ok = argCount(1, "one argument (the object's name)");
    if (v.text == "claim") checkNamed({"readonly", "external"});
    else checkNamed({"optional", "default_mode"});
    if (ok) vol.sourceRange = v.items[0].range;
    if (ok && v.text == "claim" && v.items[0].kind == Value::Kind::Symbol) {
      vol.source = k8s::identifierToK8sName(v.items[0].text); // `claim(pg_data)`: a declared claim
    } else if (ok) {
      if (auto s = ex_.string(v.items[0], fmt::format("the {} name", v.text))) {
        auto errs = k8s::validateDns1123Subdomain(*s);
        if (!errs.empty()) diags_.report(DiagKind::InvalidName, v.items[0].range, v.text, *s, errs.front());
        vol.source = *s;
      } else {
        ok = false;
      }
    }
    if (const Value *r = v.named("readonly")) vol.readOnly = ex_.boolean(*r, "`readonly`");
    if (const Value *e = v.named("external")) vol.claimExternal = ex_.boolean(*e, "`external`").value_or(false);
    if (const Value *o = v.named("optional")) vol.optional = ex_.boolean(*o, "`optional`");
    if (const Value *m = v.named("default_mode")) vol.defaultMode = ex_.integer(*m, "`default_mode`", 0, 0777);
  } else if (v.text == "host_path") {
    vol.kind = model::Volume::Kind::HostPath;
    ok = argCount(1, "one argument (the path on the node)");
    checkNamed({"type"});
    if (ok) {
      if (auto s = ex_.string(v.items[0], "the host path")) {
        if (!llvm::StringRef(*s).startswith("/"))
          diags_.report(DiagKind::InvalidMountPath, v.items[0].range, *s);
        vol.source = *s;
      }
    }
    if (const Value *t = v.named("type")) {
      if (auto s = ex_.string(*t, "the host path type")) {
        if (!k8s::validateHostPathType(*s)) {
          // The list without its first entry, "" (the default), which reads oddly in a message.
          ex_.oneOf(*t, "host path type", k8s::hostPathTypes().drop_front());
        } else {
          vol.hostPathType = *s;
        }
      }
    }
  } else {
    Diagnostic &diag = diags_.report(DiagKind::UnknownFunction, v.range, v.text, "for a volume");
    std::string close = closestMatch(v.text, kinds);
    if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close));
    return;
  }
  // Keep the name even when the source was invalid (already reported), so
  // mounts of this volume do not cascade into "undeclared volume" errors.
  (void)ok;
  vol.name = name->first;
  vol.range = name->second;
}

} // namespace rig::sema
