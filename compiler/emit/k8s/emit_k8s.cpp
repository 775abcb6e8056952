// Builds one Kubernetes object per workload from the model and prints it.
// Only fields the user set (or that the API requires) are emitted: no
// defaults are invented, so output stays minimal and diffs stay small.
#include "compiler/emit/k8s/emit_k8s.h"

#include <algorithm>
#include <deque>

#include <fmt/format.h>

#include "compiler/base/parallel.h"
#include "compiler/emit/k8s/document.h"
#include "compiler/emit/k8s/feature_objects.h"

namespace rig::emit {

namespace {

using model::Container;
using model::Workload;

Node stringMap(const model::StringMap &m) {
  Node n = Node::map();
  for (const auto &[k, v] : m) n.setView(k, v);
  return n;
}

Node stringList(const std::vector<std::string> &l) {
  Node n = Node::list();
  for (const std::string &s : l) n.push(Node::view(s));
  return n;
}

Node appArmorProfile(const model::AppArmorRef &ref) {
  Node n = Node::map();
  switch (ref.kind) {
  case model::AppArmorRef::Kind::RuntimeDefault: n.set("type", "RuntimeDefault"); break;
  case model::AppArmorRef::Kind::Unconfined: n.set("type", "Unconfined"); break;
  case model::AppArmorRef::Kind::Localhost:
    n.set("type", "Localhost");
    n.setView("localhostProfile", ref.profile);
    break;
  }
  return n;
}

// The deprecated annotation form, for targets before 1.30.
std::string appArmorAnnotationValue(const model::AppArmorRef &ref) {
  switch (ref.kind) {
  case model::AppArmorRef::Kind::RuntimeDefault: return "runtime/default";
  case model::AppArmorRef::Kind::Unconfined: return "unconfined";
  case model::AppArmorRef::Kind::Localhost: return "localhost/" + ref.profile;
  }
  return "runtime/default";
}

class Builder {
public:
  explicit Builder(k8s::Version target) : target_(target), appArmorField_(k8s::available(k8s::Feature::AppArmorField, target)) {}

  Node object(const Workload &w) {
    Node obj = Node::map();
    obj.set("apiVersion", apiVersion(w.kind));
    obj.set("kind", model::workloadKindName(w.kind).str());
    Node meta = metadata(w);
    if (w.kind == model::WorkloadKind::Pod) {
      addPodAnnotations(meta, w);
      obj.set("metadata", std::move(meta));
      obj.set("spec", podSpec(w.pod, w.gpus));
      return obj;
    }
    obj.set("metadata", std::move(meta));
    Node spec = Node::map();
    switch (w.kind) {
    case model::WorkloadKind::Deployment:
    case model::WorkloadKind::StatefulSet:
    case model::WorkloadKind::DaemonSet:
      if (w.replicas) spec.setInt("replicas", *w.replicas);
      if (!w.serviceName.empty()) spec.setView("serviceName", w.serviceName);
      spec.set("selector", selector(w));
      spec.set("template", podTemplate(w));
      if (!w.claimTemplates.empty()) {
        Node templates = Node::list();
        for (const model::Claim &c : w.claimTemplates) {
          Node t = Node::map();
          Node tm = Node::map();
          tm.setView("name", c.name);
          t.set("metadata", std::move(tm));
          t.set("spec", claimSpec(c));
          templates.push(std::move(t));
        }
        spec.set("volumeClaimTemplates", std::move(templates));
      }
      break;
    case model::WorkloadKind::Job: jobSpec(spec, w); break;
    case model::WorkloadKind::CronJob: {
      const model::CronJobSpec &c = w.cron;
      spec.setView("schedule", c.schedule);
      if (!c.timeZone.empty()) spec.setView("timeZone", c.timeZone);
      if (!c.concurrencyPolicy.empty()) spec.setView("concurrencyPolicy", c.concurrencyPolicy);
      if (c.suspend) spec.setBool("suspend", *c.suspend);
      if (c.startingDeadlineSeconds) spec.setInt("startingDeadlineSeconds", *c.startingDeadlineSeconds);
      if (c.successfulJobsHistoryLimit) spec.setInt("successfulJobsHistoryLimit", *c.successfulJobsHistoryLimit);
      if (c.failedJobsHistoryLimit) spec.setInt("failedJobsHistoryLimit", *c.failedJobsHistoryLimit);
      Node jt = Node::map();
      Node jtMeta = Node::map();
      jtMeta.set("labels", stringMap(w.labels));
      jt.set("metadata", std::move(jtMeta));
      Node js = Node::map();
      jobSpec(js, w);
      jt.set("spec", std::move(js));
      spec.set("jobTemplate", std::move(jt));
      break;
    }
    case model::WorkloadKind::Pod: break;
    }
    obj.set("spec", std::move(spec));
    return obj;
  }

private:
  static const char *apiVersion(model::WorkloadKind k) {
    switch (k) {
    case model::WorkloadKind::Pod: return "v1";
    case model::WorkloadKind::Deployment:
    case model::WorkloadKind::StatefulSet:
    case model::WorkloadKind::DaemonSet: return "apps/v1";
    case model::WorkloadKind::Job:
    case model::WorkloadKind::CronJob: return "batch/v1";
    }
    return "v1";
  }

  Node metadata(const Workload &w) {
    Node meta = Node::map();
    meta.setView("name", w.name);
    if (!w.ns.empty()) meta.setView("namespace", w.ns);
    meta.set("labels", stringMap(w.labels));
    // A pod's own annotations are merged with the pod annotations in
    // addPodAnnotations.
    if (w.kind != model::WorkloadKind::Pod) meta.setIfNotEmpty("annotations", stringMap(w.annotations));
    return meta;
  }

  // Pod-level annotations: the user's, plus the AppArmor annotations that
  // targets before 1.30 need instead of the securityContext field.
  void addPodAnnotations(Node &meta, const Workload &w) {
    model::StringMap ann = w.kind == model::WorkloadKind::Pod ? w.annotations : model::StringMap{};
    for (const auto &[k, v] : w.podAnnotations) ann[k] = v;
    if (!appArmorField_) {
      auto add = [&](const Container &c) {
        const std::optional<model::AppArmorRef> &ref = c.security.appArmor ? c.security.appArmor : w.pod.security.appArmor;
        if (ref) ann["container.apparmor.security.beta.kubernetes.io/" + c.name] = appArmorAnnotationValue(*ref);
      };
      for (const Container &c : w.pod.initContainers) add(c);
      for (const Container &c : w.pod.containers) add(c);
    }
    if (w.kind == model::WorkloadKind::Pod) {
      // Replace the annotations metadata() wrote with the merged set.
      // metadata() left annotations out for pods; the merged set goes here.
      meta.setIfNotEmpty("annotations", ownedMap(std::move(ann)));
    } else {
      meta.setIfNotEmpty("annotations", ownedMap(std::move(ann)));
    }
  }

  // Maps computed while building (merged annotations) must outlive the
  // document, whose nodes only view their keys and values.
  Node ownedMap(model::StringMap m) {
    scratch_.push_back(std::move(m));
    return stringMap(scratch_.back());
  }

public:
  // Called once a document has been written.
  void releaseScratch() { scratch_.clear(); }

private:
  Node selector(const Workload &w) {
    Node sel = Node::map();
    Node match = Node::map();
    match.setView("app", w.name);
    sel.set("matchLabels", std::move(match));
    return sel;
  }

  Node podTemplate(const Workload &w) {
    Node t = Node::map();
    Node meta = Node::map();
    meta.set("labels", stringMap(w.labels));
    addPodAnnotations(meta, w);
    t.set("metadata", std::move(meta));
    t.set("spec", podSpec(w.pod, w.gpus));
    return t;
  }

  void jobSpec(Node &spec, const Workload &w) {
    const model::JobSpec &j = w.job;
    if (j.completions) spec.setInt("completions", *j.completions);
    if (j.parallelism) spec.setInt("parallelism", *j.parallelism);
    if (j.backoffLimit) spec.setInt("backoffLimit", *j.backoffLimit);
    if (j.activeDeadlineSeconds) spec.setInt("activeDeadlineSeconds", *j.activeDeadlineSeconds);
    if (j.ttlSecondsAfterFinished) spec.setInt("ttlSecondsAfterFinished", *j.ttlSecondsAfterFinished);
    if (!j.completionMode.empty()) spec.setView("completionMode", j.completionMode);
    if (j.backoffLimitPerIndex) spec.setInt("backoffLimitPerIndex", *j.backoffLimitPerIndex);
    if (j.maxFailedIndexes) spec.setInt("maxFailedIndexes", *j.maxFailedIndexes);
    if (!j.podReplacementPolicy.empty()) spec.setView("podReplacementPolicy", j.podReplacementPolicy);
    if (!j.failureRules.empty()) {
      // The checker already sorted and de-duplicated the values and kept
      // each rule to one of onExitCodes / onPodConditions.
      Node rules = Node::list();
      for (const model::FailureRule &r : j.failureRules) {
        Node rule = Node::map();
        rule.set("action", model::failureActionApiName(r.action));
        if (r.match == model::FailureRule::Match::ExitCodes) {
          Node codes = Node::map();
          if (!r.container.empty()) codes.setView("containerName", r.container);
          codes.set("operator", r.notIn ? "NotIn" : "In");
          Node values = Node::list();
          for (int v : r.values) values.push(Node::integer(v));
          codes.set("values", std::move(values));
          rule.set("onExitCodes", std::move(codes));
        } else {
          Node conds = Node::list();
          for (const std::string &c : r.conditions) {
            Node cond = Node::map();
            cond.setView("type", c);
            cond.set("status", "True");
            conds.push(std::move(cond));
          }
          rule.set("onPodConditions", std::move(conds));
        }
        rules.push(std::move(rule));
      }
      Node policy = Node::map();
      policy.set("rules", std::move(rules));
      spec.set("podFailurePolicy", std::move(policy));
    }
    if (!j.successRules.empty()) {
      Node rules = Node::list();
      for (const model::SuccessRule &r : j.successRules) {
        Node rule = Node::map();
        if (!r.succeededIndexes.empty()) rule.setView("succeededIndexes", r.succeededIndexes);
        if (r.succeededCount) rule.setInt("succeededCount", *r.succeededCount);
        rules.push(std::move(rule));
      }
      Node policy = Node::map();
      policy.set("rules", std::move(rules));
      spec.set("successPolicy", std::move(policy));
    }
    spec.set("template", podTemplate(w));
  }

  Node podSpec(const model::PodSpec &p, const std::vector<model::GpuRequest> &gpus) {
    Node spec = Node::map();
    if (!p.initContainers.empty()) {
      Node inits = Node::list();
      for (const Container &c : p.initContainers) inits.push(container(c));
      spec.set("initContainers", std::move(inits));
    }
    Node mains = Node::list();
    for (const Container &c : p.containers) mains.push(container(c));
    spec.set("containers", std::move(mains));
    if (!p.volumes.empty()) {
      Node vols = Node::list();
      for (const model::Volume &v : p.volumes) vols.push(volume(v));
      spec.set("volumes", std::move(vols));
    }
    spec.setIfNotEmpty("resourceClaims", podResourceClaims(gpus));
    if (!p.restartPolicy.empty()) spec.setView("restartPolicy", p.restartPolicy);
    if (p.terminationGracePeriodSeconds) spec.setInt("terminationGracePeriodSeconds", *p.terminationGracePeriodSeconds);
    if (!p.serviceAccountName.empty()) spec.setView("serviceAccountName", p.serviceAccountName);
    if (p.hostNetwork) spec.setBool("hostNetwork", *p.hostNetwork);
    spec.setIfNotEmpty("nodeSelector", stringMap(p.nodeSelector));
    Node sec = Node::map();
    const model::PodSecurity &s = p.security;
    if (s.runAsUser) sec.setInt("runAsUser", *s.runAsUser);
    if (s.runAsGroup) sec.setInt("runAsGroup", *s.runAsGroup);
    if (s.runAsNonRoot) sec.setBool("runAsNonRoot", *s.runAsNonRoot);
    if (s.fsGroup) sec.setInt("fsGroup", *s.fsGroup);
    if (!s.seccomp.empty()) sec.set("seccompProfile", Node::map()).setView("type", s.seccomp);
    if (s.appArmor && appArmorField_) sec.set("appArmorProfile", appArmorProfile(*s.appArmor));
    spec.setIfNotEmpty("securityContext", std::move(sec));
    return spec;
  }

  Node action(const model::Action &a) {
    Node n = Node::map();
    auto port = [&](Node &m) {
      if (!a.portName.empty()) m.set("port", a.portName);
      else m.setInt("port", a.portNumber);
    };
    switch (a.kind) {
    case model::Action::Kind::None: break;
    case model::Action::Kind::Exec: n.set("exec", Node::map()).set("command", stringList(a.command)); break;
    case model::Action::Kind::HttpGet: {
      Node h = Node::map();
      if (!a.path.empty()) h.set("path", a.path);
      port(h);
      if (!a.host.empty()) h.set("host", a.host);
      if (!a.scheme.empty()) h.set("scheme", a.scheme);
      n.set("httpGet", std::move(h));
      break;
    }
    case model::Action::Kind::TcpSocket: {
      Node t = Node::map();
      port(t);
      if (!a.host.empty()) t.set("host", a.host);
      n.set("tcpSocket", std::move(t));
      break;
    }
    case model::Action::Kind::Grpc: {
      Node g = Node::map();
      g.setInt("port", a.portNumber);
      if (!a.service.empty()) g.set("service", a.service);
      n.set("grpc", std::move(g));
      break;
    }
    case model::Action::Kind::Sleep: n.set("sleep", Node::map()).setInt("seconds", a.seconds); break;
    }
    return n;
  }

  Node probe(const model::Probe &p) {
    Node n = action(p.action);
    if (p.initialDelaySeconds) n.setInt("initialDelaySeconds", *p.initialDelaySeconds);
    if (p.periodSeconds) n.setInt("periodSeconds", *p.periodSeconds);
    if (p.timeoutSeconds) n.setInt("timeoutSeconds", *p.timeoutSeconds);
    if (p.successThreshold) n.setInt("successThreshold", *p.successThreshold);
    if (p.failureThreshold) n.setInt("failureThreshold", *p.failureThreshold);
    if (p.terminationGracePeriodSeconds) n.setInt("terminationGracePeriodSeconds", *p.terminationGracePeriodSeconds);
    return n;
  }

  Node resources(const model::Resources &r) {
    Node n = Node::map();
    auto list = [this](const FlatMap<std::string, Quantity> &m) {
      Node q = Node::map();
      for (const auto &[k, v] : m) q.set(k, canonical(v));
      return q;
    };
    n.setIfNotEmpty("requests", list(r.requests));
    n.setIfNotEmpty("limits", list(r.limits));
    return n;
  }

  Node container(const Container &c) {
    Node n = Node::map();
    n.setView("name", c.name);
    n.setView("image", c.image);
    if (c.role == model::ContainerRole::Sidecar) n.set("restartPolicy", "Always");
    if (!c.imagePullPolicy.empty()) n.setView("imagePullPolicy", c.imagePullPolicy);
    if (!c.command.empty()) n.set("command", stringList(c.command));
    if (!c.args.empty()) n.set("args", stringList(c.args));
    if (!c.workingDir.empty()) n.setView("workingDir", c.workingDir);
    if (!c.ports.empty()) {
      Node ports = Node::list();
      for (const model::Port &p : c.ports) {
        Node pn = Node::map();
        if (!p.name.empty()) pn.setView("name", p.name);
        pn.setInt("containerPort", p.number);
        if (!p.protocol.empty()) pn.setView("protocol", p.protocol);
        if (p.hostPort) pn.setInt("hostPort", *p.hostPort);
        ports.push(std::move(pn));
      }
      n.set("ports", std::move(ports));
    }
    if (!c.env.empty()) {
      Node env = Node::list();
      for (const model::EnvVar &e : c.env) env.push(envVar(e));
      n.set("env", std::move(env));
    }
    Node res = resources(c.resources);
    res.setIfNotEmpty("claims", containerClaims(c.claims));
    n.setIfNotEmpty("resources", std::move(res));
    if (!c.mounts.empty()) {
      Node mounts = Node::list();
      for (const model::Mount &m : c.mounts) {
        Node mn = Node::map();
        mn.setView("name", m.volume);
        mn.setView("mountPath", m.path);
        if (m.readOnly) mn.setBool("readOnly", true);
        if (!m.subPath.empty()) mn.setView("subPath", m.subPath);
        mounts.push(std::move(mn));
      }
      n.set("volumeMounts", std::move(mounts));
    }
    if (c.liveness) n.set("livenessProbe", probe(*c.liveness));
    if (c.readiness) n.set("readinessProbe", probe(*c.readiness));
    if (c.startup) n.set("startupProbe", probe(*c.startup));
    if (c.lifecycle.postStart || c.lifecycle.preStop) {
      Node lc = Node::map();
      if (c.lifecycle.postStart) lc.set("postStart", action(*c.lifecycle.postStart));
      if (c.lifecycle.preStop) lc.set("preStop", action(*c.lifecycle.preStop));
      n.set("lifecycle", std::move(lc));
    }
    Node sec = Node::map();
    const model::SecurityContext &s = c.security;
    if (s.runAsUser) sec.setInt("runAsUser", *s.runAsUser);
    if (s.runAsGroup) sec.setInt("runAsGroup", *s.runAsGroup);
    if (s.runAsNonRoot) sec.setBool("runAsNonRoot", *s.runAsNonRoot);
    if (s.readOnlyRootFilesystem) sec.setBool("readOnlyRootFilesystem", *s.readOnlyRootFilesystem);
    if (s.allowPrivilegeEscalation) sec.setBool("allowPrivilegeEscalation", *s.allowPrivilegeEscalation);
    if (s.privileged) sec.setBool("privileged", *s.privileged);
    if (!s.capAdd.empty() || !s.capDrop.empty()) {
      Node caps = Node::map();
      if (!s.capAdd.empty()) caps.set("add", stringList(s.capAdd));
      if (!s.capDrop.empty()) caps.set("drop", stringList(s.capDrop));
      sec.set("capabilities", std::move(caps));
    }
    if (!s.seccomp.empty()) sec.set("seccompProfile", Node::map()).setView("type", s.seccomp);
    if (s.appArmor && appArmorField_) sec.set("appArmorProfile", appArmorProfile(*s.appArmor));
    n.setIfNotEmpty("securityContext", std::move(sec));
    return n;
  }

  Node envVar(const model::EnvVar &e) {
    Node n = Node::map();
    n.setView("name", e.name);
    switch (e.source) {
    case model::EnvVar::Source::Literal: n.setView("value", e.value); break;
    case model::EnvVar::Source::SecretKey:
    case model::EnvVar::Source::ConfigMapKey: {
      Node ref = Node::map();
      ref.setView("name", e.object);
      ref.setView("key", e.key);
      if (e.optional) ref.setBool("optional", *e.optional);
      Node from = Node::map();
      from.set(e.source == model::EnvVar::Source::SecretKey ? "secretKeyRef" : "configMapKeyRef", std::move(ref));
      n.set("valueFrom", std::move(from));
      break;
    }
    case model::EnvVar::Source::FieldRef:
      n.set("valueFrom", Node::map()).set("fieldRef", Node::map()).set("fieldPath", e.value);
      break;
    case model::EnvVar::Source::ResourceFieldRef: {
      Node ref = Node::map();
      if (!e.object.empty()) ref.set("containerName", e.object);
      ref.set("resource", e.value);
      n.set("valueFrom", Node::map()).set("resourceFieldRef", std::move(ref));
      break;
    }
    }
    return n;
  }

  Node volume(const model::Volume &v) {
    Node n = Node::map();
    n.setView("name", v.name);
    switch (v.kind) {
    case model::Volume::Kind::EmptyDir: {
      Node e = Node::map();
      if (!v.medium.empty()) e.setView("medium", v.medium);
      if (v.sizeLimit) e.set("sizeLimit", v.sizeLimit->canonical());
      n.set("emptyDir", std::move(e));
      break;
    }
    case model::Volume::Kind::ConfigMap:
    case model::Volume::Kind::Secret: {
      bool cm = v.kind == model::Volume::Kind::ConfigMap;
      Node s = Node::map();
      s.setView(cm ? "name" : "secretName", v.source);
      if (v.defaultMode) s.setInt("defaultMode", *v.defaultMode);
      if (v.optional) s.setBool("optional", *v.optional);
      n.set(cm ? "configMap" : "secret", std::move(s));
      break;
    }
    case model::Volume::Kind::Claim: {
      Node c = Node::map();
      c.setView("claimName", v.source);
      if (v.readOnly) c.setBool("readOnly", *v.readOnly);
      n.set("persistentVolumeClaim", std::move(c));
      break;
    }
    case model::Volume::Kind::HostPath: {
      Node h = Node::map();
      h.setView("path", v.source);
      if (!v.hostPathType.empty()) h.setView("type", v.hostPathType);
      n.set("hostPath", std::move(h));
      break;
    }
    }
    return n;
  }

  // Workloads repeat the same few quantities; keep their canonical text.
  const std::string &canonical(const Quantity &q) {
    for (const auto &[seen, text] : canonicalCache_)
      if (seen.milli == q.milli && seen.format == q.format) return text;
    if (canonicalCache_.size() >= 32) canonicalCache_.pop_front();
    canonicalCache_.emplace_back(q, q.canonical());
    return canonicalCache_.back().second;
  }

  k8s::Version target_;
  bool appArmorField_;
  std::deque<model::StringMap> scratch_;
  std::deque<std::pair<Quantity, std::string>> canonicalCache_;
};

// out/<namespace>/<kind>-<name>.<ext>; no folder for the cluster default.
std::string outputPath(const Workload &w, llvm::StringRef ext) {
  return (w.ns.empty() ? "" : w.ns + "/") + model::workloadKeyword(w.kind).str() + "-" + w.name + ext.str();
}

// The YAML documents of workloads [begin, end): one stream (documents
// separated by `---`) and, unless streamOnly, one file per workload.
struct YamlChunk {
  std::string stream;
  std::vector<OutputFile> files;
};
YamlChunk workloadYaml(const model::Program &program, size_t begin, size_t end, bool streamOnly) {
  YamlChunk chunk;
  Builder builder(program.target);
  for (size_t i = begin; i < end; ++i) {
    const Workload &w = program.workloads[i];
    if (i != begin) chunk.stream += "---\n";
    size_t docStart = chunk.stream.size();
    writeYaml(builder.object(w), chunk.stream);
    builder.releaseScratch();
    if (!streamOnly) chunk.files.push_back({outputPath(w, ".yaml"), chunk.stream.substr(docStart)});
    // Workloads in one build are mostly alike: size the stream once from
    // the first one rather than copying it at every doubling.
    if (i == begin) chunk.stream.reserve(chunk.stream.size() * (end - begin) * 9 / 8);
  }
  return chunk;
}

// Fewer workloads per thread than this cost more in threads than they save.
constexpr size_t kParallelWorkloads = 256;

// Workload documents are independent of each other: large builds write
// them on every core, each thread a contiguous range, joined in order, so
// the result is byte-identical to writing them one by one.
std::vector<YamlChunk> workloadYamlChunks(const model::Program &program, unsigned maxThreads, bool streamOnly) {
  size_t n = program.workloads.size();
  size_t threads = std::max<size_t>(std::min(threadCount(maxThreads), n / kParallelWorkloads), 1);
  std::vector<YamlChunk> chunks(threads);
  runParts(threads, [&](size_t t) { chunks[t] = workloadYaml(program, n * t / threads, n * (t + 1) / threads, streamOnly); });
  return chunks;
}

} // namespace

std::string EmitResult::stream() const {
  size_t size = 0;
  for (const std::string &p : streamPieces) size += p.size();
  std::string out;
  out.reserve(size);
  for (const std::string &p : streamPieces) out += p;
  return out;
}

EmitResult emitKubernetes(const model::Program &program, const EmitOptions &opts, bool streamOnly) {
  EmitResult result;
  std::string stream; // the piece being written: the objects before the workloads, then the last chunk's
  Builder builder(program.target);
  bool json = opts.format == ManifestFormat::Json;
  const char *ext = json ? ".json" : ".yaml";
  Node list = Node::list(); // JSON stream: one v1 List
  bool first = true;
  // Writes one object; returns false when the JSON stream keeps it (and
  // with it the builder's scratch) until the end.
  auto add = [&](Node obj, std::string path) {
    if (json) {
      if (!streamOnly) {
        OutputFile f;
        f.path = std::move(path);
        writeJson(obj, f.content);
        f.content += '\n';
        result.files.push_back(std::move(f));
      }
      list.push(std::move(obj));
      return false;
    }
    if (!first) stream += "---\n";
    first = false;
    size_t docStart = stream.size();
    writeYaml(obj, stream);
    if (!streamOnly) result.files.push_back({std::move(path), stream.substr(docStart)});
    return true;
  };
  // Cluster objects and the classes and claims workloads use come first, so
  // a stream applied in order creates them before their users.
  std::vector<FeatureObject> features;
  emitAppArmorObjects(program, opts, features);
  emitStorageObjects(program, features);
  emitDeviceObjects(program, features);
  for (FeatureObject &f : features) {
    if (json && llvm::StringRef(f.path).endswith(".yaml")) f.path = f.path.substr(0, f.path.size() - 5) + ".json";
    add(std::move(f.node), std::move(f.path));
  }
  if (json) {
    for (const Workload &w : program.workloads) add(builder.object(w), outputPath(w, ext));
  } else if (!program.workloads.empty()) {
    std::vector<YamlChunk> chunks = workloadYamlChunks(program, opts.threads, streamOnly);
    for (YamlChunk &c : chunks) {
      if (c.stream.empty()) continue;
      if (!first) stream += "---\n"; // ends the piece before
      first = false;
      if (!stream.empty()) result.streamPieces.push_back(std::move(stream));
      stream = std::move(c.stream);
      for (OutputFile &f : c.files) result.files.push_back(std::move(f));
    }
  }
  if (json) {
    Node wrapper = Node::map();
    wrapper.set("apiVersion", "v1");
    wrapper.set("kind", "List");
    wrapper.set("items", std::move(list));
    writeJson(wrapper, stream);
    stream += '\n';
  }
  if (!stream.empty()) result.streamPieces.push_back(std::move(stream));
  if (streamOnly) return result;
  std::sort(result.files.begin(), result.files.end(),
            [](const OutputFile &a, const OutputFile &b) { return a.path < b.path; });
  if (opts.kustomization) {
    Node k = Node::map();
    k.set("apiVersion", "kustomize.config.k8s.io/v1beta1");
    k.set("kind", "Kustomization");
    Node res = Node::list();
    for (const OutputFile &f : result.files) res.push(Node::view(f.path));
    k.set("resources", std::move(res));
    OutputFile kf{"kustomization.yaml", ""};
    writeYaml(k, kf.content);
    result.files.push_back(std::move(kf));
    std::sort(result.files.begin(), result.files.end(),
              [](const OutputFile &a, const OutputFile &b) { return a.path < b.path; });
  }
  return result;
}

} // namespace rig::emit
