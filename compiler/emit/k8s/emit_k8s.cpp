// Builds one Kubernetes object per workload from the model and prints it.
// Only fields the user set (or that the API requires) are emitted: no
// defaults are invented, so output stays minimal and diffs stay small.
// YAML workload documents, most of a build's output, are written straight
// from the model (YamlStream); JSON goes through a document tree.
#include "compiler/emit/k8s/emit_k8s.h"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <memory>
#include <deque>

#include <fmt/format.h>

#include "compiler/base/parallel.h"
#include "compiler/emit/k8s/document.h"
#include "compiler/emit/k8s/feature_objects.h"
#include "compiler/emit/k8s/tree_builder.h"
#include "compiler/emit/k8s/yaml_stream.h"

namespace rig::emit {

namespace {

using model::Container;
using model::Workload;

// The Builder describes each object to a writer: YamlStream (the YAML of
// a build, written as it goes) or TreeBuilder (a Node, for JSON). Both take
// the same calls and print the same YAML (tests/unit/emit/yaml_stream_test);
// a list item passes kItem as its key.
constexpr Key kItem;

template <class Out> void stringMap(Out &out, Key key, const model::StringMap &m, bool omitIfEmpty = false) {
  out.beginMap(key, omitIfEmpty);
  for (const auto &[k, v] : m) out.str(Key::text(k), v);
  out.end();
}

template <class Out> void stringList(Out &out, Key key, const std::vector<std::string> &l) {
  out.beginList(key);
  for (const std::string &s : l) out.str(kItem, s);
  out.end();
}

template <class Out> void appArmorProfile(Out &out, const model::AppArmorRef &ref) {
  out.beginMap("appArmorProfile");
  switch (ref.kind) {
  case model::AppArmorRef::Kind::RuntimeDefault: out.word("type", "RuntimeDefault"); break;
  case model::AppArmorRef::Kind::Unconfined: out.word("type", "Unconfined"); break;
  case model::AppArmorRef::Kind::Localhost:
    out.word("type", "Localhost");
    out.str("localhostProfile", ref.profile);
    break;
  }
  out.end();
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

// Workload objects, in the order kubectl users read them (apiVersion, kind,
// metadata, spec, …). Only fields the user set, or the API requires, are
// described.
template <class Out> class Builder {
public:
  explicit Builder(k8s::Version target) : target_(target), appArmorField_(k8s::available(k8s::Feature::AppArmorField, target)) {}

  // The whole object; `out` is a fresh document, closed on return.
  void object(const Workload &w, Out &out) {
    out.word("apiVersion", apiVersion(w.kind));
    out.str("kind", model::workloadKindName(w.kind));
    out.beginMap("metadata");
    metadata(w, out);
    if (w.kind == model::WorkloadKind::Pod) addPodAnnotations(w, out);
    out.end();
    if (w.kind == model::WorkloadKind::Pod) {
      podSpec(w.pod, w.gpus, out);
      out.end();
      return;
    }
    out.beginMap("spec");
    switch (w.kind) {
    case model::WorkloadKind::Deployment:
    case model::WorkloadKind::StatefulSet:
    case model::WorkloadKind::DaemonSet:
      if (w.replicas) out.integer("replicas", *w.replicas);
      if (!w.serviceName.empty()) out.str("serviceName", w.serviceName);
      out.beginMap("selector");
      out.beginMap("matchLabels");
      out.str("app", w.name);
      out.end();
      out.end();
      podTemplate(w, out);
      if (!w.claimTemplates.empty()) {
        out.beginList("volumeClaimTemplates");
        for (const model::Claim &c : w.claimTemplates) {
          out.beginMap(kItem);
          out.beginMap("metadata");
          out.str("name", c.name);
          out.end();
          out.node("spec", claimSpec(c));
          out.end();
        }
        out.end();
      }
      break;
    case model::WorkloadKind::Job: jobSpec(w, out); break;
    case model::WorkloadKind::CronJob: {
      const model::CronJobSpec &c = *w.cron;
      out.str("schedule", c.schedule);
      if (!c.timeZone.empty()) out.str("timeZone", c.timeZone);
      if (!c.concurrencyPolicy.empty()) out.str("concurrencyPolicy", c.concurrencyPolicy);
      if (c.suspend) out.boolean("suspend", *c.suspend);
      if (c.startingDeadlineSeconds) out.integer("startingDeadlineSeconds", *c.startingDeadlineSeconds);
      if (c.successfulJobsHistoryLimit) out.integer("successfulJobsHistoryLimit", *c.successfulJobsHistoryLimit);
      if (c.failedJobsHistoryLimit) out.integer("failedJobsHistoryLimit", *c.failedJobsHistoryLimit);
      out.beginMap("jobTemplate");
      out.beginMap("metadata");
      stringMap(out, "labels", w.labels);
      out.end();
      out.beginMap("spec");
      jobSpec(w, out);
      out.end();
      out.end();
      break;
    }
    case model::WorkloadKind::Pod: break;
    }
    out.end();
    out.end();
  }

  // Called once a document has been written (a tree: once it is no longer
  // read, since its nodes view these strings).
  void releaseScratch() {
    scratch_.clear();
    scratchTexts_.clear();
  }

private:
  static Word apiVersion(model::WorkloadKind k) {
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

  void metadata(const Workload &w, Out &out) {
    out.str("name", w.name);
    if (!w.ns.empty()) out.str("namespace", w.ns);
    stringMap(out, "labels", w.labels);
    // A pod's own annotations are merged with the pod annotations in
    // addPodAnnotations.
    if (w.kind != model::WorkloadKind::Pod) stringMap(out, "annotations", w.annotations, true);
  }

  // Pod-level annotations: the user's, plus the AppArmor annotations that
  // targets before 1.30 need instead of the securityContext field.
  void addPodAnnotations(const Workload &w, Out &out) {
    if (appArmorField_ && w.kind != model::WorkloadKind::Pod) {
      stringMap(out, "annotations", w.podAnnotations, true);
      return;
    }
    model::StringMap ann = w.kind == model::WorkloadKind::Pod ? w.annotations : model::StringMap{};
    for (const auto &[k, v] : w.podAnnotations) ann[k] = v;
    if (!appArmorField_) {
      auto add = [&](const Container &c) {
        const std::optional<model::AppArmorRef> &ref = c.security->appArmor ? c.security->appArmor : w.pod.security->appArmor;
        if (ref) ann["container.apparmor.security.beta.kubernetes.io/" + c.name] = appArmorAnnotationValue(*ref);
      };
      for (const Container &c : w.pod.initContainers) add(c);
      for (const Container &c : w.pod.containers) add(c);
    }
    // The merged map must outlive a tree, whose nodes view its strings.
    scratch_.push_back(std::move(ann));
    stringMap(out, "annotations", scratch_.back(), true);
  }

  void podTemplate(const Workload &w, Out &out) {
    out.beginMap("template");
    out.beginMap("metadata");
    stringMap(out, "labels", w.labels);
    addPodAnnotations(w, out);
    out.end();
    podSpec(w.pod, w.gpus, out);
    out.end();
  }

  void jobSpec(const Workload &w, Out &out) {
    const model::JobSpec &j = *w.job;
    if (j.completions) out.integer("completions", *j.completions);
    if (j.parallelism) out.integer("parallelism", *j.parallelism);
    if (j.backoffLimit) out.integer("backoffLimit", *j.backoffLimit);
    if (j.activeDeadlineSeconds) out.integer("activeDeadlineSeconds", *j.activeDeadlineSeconds);
    if (j.ttlSecondsAfterFinished) out.integer("ttlSecondsAfterFinished", *j.ttlSecondsAfterFinished);
    if (!j.completionMode.empty()) out.str("completionMode", j.completionMode);
    if (j.backoffLimitPerIndex) out.integer("backoffLimitPerIndex", *j.backoffLimitPerIndex);
    if (j.maxFailedIndexes) out.integer("maxFailedIndexes", *j.maxFailedIndexes);
    if (!j.podReplacementPolicy.empty()) out.str("podReplacementPolicy", j.podReplacementPolicy);
    if (!j.failureRules.empty()) {
      // The checker already sorted and de-duplicated the values and kept
      // each rule to one of onExitCodes / onPodConditions.
      out.beginMap("podFailurePolicy");
      out.beginList("rules");
      for (const model::FailureRule &r : j.failureRules) {
        out.beginMap(kItem);
        out.str("action", model::failureActionApiName(r.action));
        if (r.match == model::FailureRule::Match::ExitCodes) {
          out.beginMap("onExitCodes");
          if (!r.container.empty()) out.str("containerName", r.container);
          out.str("operator", r.notIn ? "NotIn" : "In");
          out.beginList("values");
          for (int v : r.values) out.integer(kItem, v);
          out.end();
          out.end();
        } else {
          out.beginList("onPodConditions");
          for (const std::string &c : r.conditions) {
            out.beginMap(kItem);
            out.str("type", c);
            out.str("status", "True");
            out.end();
          }
          out.end();
        }
        out.end();
      }
      out.end();
      out.end();
    }
    if (!j.successRules.empty()) {
      out.beginMap("successPolicy");
      out.beginList("rules");
      for (const model::SuccessRule &r : j.successRules) {
        out.beginMap(kItem);
        if (!r.succeededIndexes.empty()) out.str("succeededIndexes", r.succeededIndexes);
        if (r.succeededCount) out.integer("succeededCount", *r.succeededCount);
        out.end();
      }
      out.end();
      out.end();
    }
    podTemplate(w, out);
  }

  void podSpec(const model::PodSpec &p, const std::vector<model::GpuRequest> &gpus, Out &out) {
    out.beginMap("spec");
    if (!p.initContainers.empty()) {
      out.beginList("initContainers");
      for (const Container &c : p.initContainers) container(c, out);
      out.end();
    }
    out.beginList("containers");
    for (const Container &c : p.containers) container(c, out);
    out.end();
    if (!p.volumes.empty()) {
      out.beginList("volumes");
      for (const model::Volume &v : p.volumes) volume(v, out);
      out.end();
    }
    if (!gpus.empty()) out.node("resourceClaims", podResourceClaims(gpus), true);
    if (!p.restartPolicy.empty()) out.str("restartPolicy", p.restartPolicy);
    if (p.terminationGracePeriodSeconds) out.integer("terminationGracePeriodSeconds", *p.terminationGracePeriodSeconds);
    if (!p.serviceAccountName.empty()) out.str("serviceAccountName", p.serviceAccountName);
    if (p.hostNetwork) out.boolean("hostNetwork", *p.hostNetwork);
    stringMap(out, "nodeSelector", p.nodeSelector, true);
    out.beginMap("securityContext", true);
    const model::PodSecurity &s = *p.security;
    if (s.runAsUser) out.integer("runAsUser", *s.runAsUser);
    if (s.runAsGroup) out.integer("runAsGroup", *s.runAsGroup);
    if (s.runAsNonRoot) out.boolean("runAsNonRoot", *s.runAsNonRoot);
    if (s.fsGroup) out.integer("fsGroup", *s.fsGroup);
    if (!s.seccomp.empty()) seccompProfile(s.seccomp, out);
    if (s.appArmor && appArmorField_) appArmorProfile(out, *s.appArmor);
    out.end();
    out.end();
  }

  static void seccompProfile(llvm::StringRef type, Out &out) {
    out.beginMap("seccompProfile");
    out.str("type", type);
    out.end();
  }

  // The handler's fields, in the map the caller opened.
  void action(const model::Action &a, Out &out) {
    auto port = [&] {
      if (!a.portName.empty()) out.str("port", a.portName);
      else out.integer("port", a.portNumber);
    };
    switch (a.kind) {
    case model::Action::Kind::None: break;
    case model::Action::Kind::Exec:
      out.beginMap("exec");
      stringList(out, "command", a.command);
      out.end();
      break;
    case model::Action::Kind::HttpGet:
      out.beginMap("httpGet");
      if (!a.path.empty()) out.str("path", a.path);
      port();
      if (!a.host.empty()) out.str("host", a.host);
      if (!a.scheme.empty()) out.str("scheme", a.scheme);
      out.end();
      break;
    case model::Action::Kind::TcpSocket:
      out.beginMap("tcpSocket");
      port();
      if (!a.host.empty()) out.str("host", a.host);
      out.end();
      break;
    case model::Action::Kind::Grpc:
      out.beginMap("grpc");
      out.integer("port", a.portNumber);
      if (!a.service.empty()) out.str("service", a.service);
      out.end();
      break;
    case model::Action::Kind::Sleep:
      out.beginMap("sleep");
      out.integer("seconds", a.seconds);
      out.end();
      break;
    }
  }

  void probe(Key key, const model::Probe &p, Out &out) {
    out.beginMap(key);
    action(p.action, out);
    if (p.initialDelaySeconds) out.integer("initialDelaySeconds", *p.initialDelaySeconds);
    if (p.periodSeconds) out.integer("periodSeconds", *p.periodSeconds);
    if (p.timeoutSeconds) out.integer("timeoutSeconds", *p.timeoutSeconds);
    if (p.successThreshold) out.integer("successThreshold", *p.successThreshold);
    if (p.failureThreshold) out.integer("failureThreshold", *p.failureThreshold);
    if (p.terminationGracePeriodSeconds) out.integer("terminationGracePeriodSeconds", *p.terminationGracePeriodSeconds);
    out.end();
  }

  void quantities(Key key, const FlatMap<std::string, model::ResourceAmount> &m, Out &out) {
    out.beginMap(key, true);
    for (const auto &[k, v] : m) writeQuantity(out, resourceKey(k), v);
    out.end();
  }
  // Nearly every resource is cpu or memory: keys checked when rig is
  // compiled, where any other name is looked at when written.
  static Key resourceKey(llvm::StringRef name) {
    if (name == "cpu") return Key("cpu");
    if (name == "memory") return Key("memory");
    return Key::text(name);
  }

  void container(const Container &c, Out &out) {
    out.beginMap(kItem);
    out.str("name", c.name);
    out.str("image", c.image);
    if (c.role == model::ContainerRole::Sidecar) out.word("restartPolicy", "Always");
    if (!c.imagePullPolicy->empty()) out.str("imagePullPolicy", *c.imagePullPolicy);
    if (!c.command->empty()) stringList(out, "command", *c.command);
    if (!c.args->empty()) stringList(out, "args", *c.args);
    if (!c.workingDir->empty()) out.str("workingDir", *c.workingDir);
    if (!c.ports.empty()) {
      out.beginList("ports");
      for (const model::Port &p : c.ports) {
        out.beginMap(kItem);
        if (!p.name.empty()) out.str("name", p.name);
        out.integer("containerPort", p.number);
        if (!p.protocol.empty()) out.str("protocol", p.protocol);
        if (p.hostPort) out.integer("hostPort", *p.hostPort);
        out.end();
      }
      out.end();
    }
    if (!c.env.empty()) {
      out.beginList("env");
      for (const model::EnvVar &e : c.env) envVar(e, out);
      out.end();
    }
    out.beginMap("resources", true);
    quantities("requests", c.resources.requests, out);
    quantities("limits", c.resources.limits, out);
    if (!c.claims.empty()) out.node("claims", containerClaims(c.claims), true);
    out.end();
    if (!c.mounts.empty()) {
      out.beginList("volumeMounts");
      for (const model::Mount &m : c.mounts) {
        out.beginMap(kItem);
        out.str("name", m.volume);
        out.str("mountPath", m.path);
        if (m.readOnly) out.boolean("readOnly", true);
        if (!m.subPath.empty()) out.str("subPath", m.subPath);
        out.end();
      }
      out.end();
    }
    if (c.liveness) probe("livenessProbe", *c.liveness, out);
    if (c.readiness) probe("readinessProbe", *c.readiness, out);
    if (c.startup) probe("startupProbe", *c.startup, out);
    if (c.lifecycle.postStart || c.lifecycle.preStop) {
      out.beginMap("lifecycle");
      if (c.lifecycle.postStart) {
        out.beginMap("postStart");
        action(*c.lifecycle.postStart, out);
        out.end();
      }
      if (c.lifecycle.preStop) {
        out.beginMap("preStop");
        action(*c.lifecycle.preStop, out);
        out.end();
      }
      out.end();
    }
    out.beginMap("securityContext", true);
    const model::SecurityContext &s = *c.security;
    if (s.runAsUser) out.integer("runAsUser", *s.runAsUser);
    if (s.runAsGroup) out.integer("runAsGroup", *s.runAsGroup);
    if (s.runAsNonRoot) out.boolean("runAsNonRoot", *s.runAsNonRoot);
    if (s.readOnlyRootFilesystem) out.boolean("readOnlyRootFilesystem", *s.readOnlyRootFilesystem);
    if (s.allowPrivilegeEscalation) out.boolean("allowPrivilegeEscalation", *s.allowPrivilegeEscalation);
    if (s.privileged) out.boolean("privileged", *s.privileged);
    if (!s.capAdd.empty() || !s.capDrop.empty()) {
      out.beginMap("capabilities");
      if (!s.capAdd.empty()) stringList(out, "add", s.capAdd);
      if (!s.capDrop.empty()) stringList(out, "drop", s.capDrop);
      out.end();
    }
    if (!s.seccomp.empty()) seccompProfile(s.seccomp, out);
    if (s.appArmor && appArmorField_) appArmorProfile(out, *s.appArmor);
    out.end();
    out.end();
  }

  void envVar(const model::EnvVar &e, Out &out) {
    out.beginMap(kItem);
    out.str("name", e.name);
    switch (e.source) {
    case model::EnvVar::Source::Literal: out.str("value", e.value); break;
    case model::EnvVar::Source::SecretKey:
    case model::EnvVar::Source::ConfigMapKey:
      out.beginMap("valueFrom");
      out.beginMap(e.source == model::EnvVar::Source::SecretKey ? Key("secretKeyRef") : Key("configMapKeyRef"));
      out.str("name", e.object);
      out.str("key", e.key);
      if (e.optional) out.boolean("optional", *e.optional);
      out.end();
      out.end();
      break;
    case model::EnvVar::Source::FieldRef:
      out.beginMap("valueFrom");
      out.beginMap("fieldRef");
      out.str("fieldPath", e.value);
      out.end();
      out.end();
      break;
    case model::EnvVar::Source::ResourceFieldRef:
      out.beginMap("valueFrom");
      out.beginMap("resourceFieldRef");
      if (!e.object.empty()) out.str("containerName", e.object);
      out.str("resource", e.value);
      out.end();
      out.end();
      break;
    }
    out.end();
  }

  void volume(const model::Volume &v, Out &out) {
    out.beginMap(kItem);
    out.str("name", v.name);
    switch (v.kind) {
    case model::Volume::Kind::EmptyDir:
      out.beginMap("emptyDir");
      if (!v.medium.empty()) out.str("medium", v.medium);
      if (v.sizeLimit) writeQuantity(out, "sizeLimit", *v.sizeLimit);
      out.end();
      break;
    case model::Volume::Kind::ConfigMap:
    case model::Volume::Kind::Secret: {
      bool cm = v.kind == model::Volume::Kind::ConfigMap;
      out.beginMap(cm ? Key("configMap") : Key("secret"));
      out.str(cm ? Key("name") : Key("secretName"), v.source);
      if (v.defaultMode) out.integer("defaultMode", *v.defaultMode);
      if (v.optional) out.boolean("optional", *v.optional);
      out.end();
      break;
    }
    case model::Volume::Kind::Claim:
      out.beginMap("persistentVolumeClaim");
      out.str("claimName", v.source);
      if (v.readOnly) out.boolean("readOnly", *v.readOnly);
      out.end();
      break;
    case model::Volume::Kind::HostPath:
      out.beginMap("hostPath");
      out.str("path", v.source);
      if (!v.hostPathType.empty()) out.str("type", v.hostPathType);
      out.end();
      break;
    }
    out.end();
  }

  // Workloads repeat the same few quantities: keep their canonical text,
  // and whether it is written plain (`2` is not: a number to YAML). The
  // texts stay put (a deque) for the builder's life, so a tree may view
  // them.
  struct CanonicalText {
    Quantity quantity;
    std::string text;
    bool plain;
  };
  void writeQuantity(Out &out, Key key, const Quantity &q) {
    for (const CanonicalText &c : canonicalCache_)
      if (c.quantity.milli == q.milli && c.quantity.format == q.format) {
        if (c.plain) out.plain(key, c.text);
        else out.str(key, c.text);
        return;
      }
    // The first few distinct ones are kept; past them (a build of many
    // different sizes) the search would grow with every new one, so the
    // text lives with the document instead.
    if (canonicalCache_.size() < 32) {
      std::string text = q.canonical();
      bool plain = isPlainYamlSafe(text);
      canonicalCache_.push_back({q, std::move(text), plain});
      out.str(key, canonicalCache_.back().text);
      return;
    }
    scratchTexts_.push_back(q.canonical());
    out.str(key, scratchTexts_.back());
  }

  k8s::Version target_;
  bool appArmorField_;
  std::deque<model::StringMap> scratch_;
  std::deque<std::string> scratchTexts_;
  std::deque<CanonicalText> canonicalCache_;
};

// One workload's YAML document, appended to `out`.
void writeWorkloadYaml(Builder<YamlStream> &builder, const Workload &w, std::string &out) {
  YamlStream doc(out);
  builder.object(w, doc);
  assert(doc.finished());
  builder.releaseScratch();
}

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
  Builder<YamlStream> builder(program.target);
  for (size_t i = begin; i < end; ++i) {
    const Workload &w = program.workloads[i];
    if (i != begin) chunk.stream += "---\n";
    size_t docStart = chunk.stream.size();
    writeWorkloadYaml(builder, w, chunk.stream);
    if (!streamOnly) chunk.files.push_back({outputPath(w, ".yaml"), chunk.stream.substr(docStart)});
    // Workloads in one build are mostly alike: size the stream once from
    // the first one rather than copying it at every doubling.
    if (i == begin) chunk.stream.reserve(chunk.stream.size() * (end - begin) * 9 / 8);
  }
  return chunk;
}

// Fewer workloads per thread than this cost more in threads than they save
// (a thread costs about 0.1 ms to start). At 1,000 workloads (about 1 ms of
// output) two threads were 1-4% faster than one (four interleaved runs of
// 150-400, medians), and that was before runParts placed its threads on
// another CPU (base/parallel.cpp), when the second often started late.
constexpr size_t kParallelWorkloads = 500;

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

// The workload documents of a stream-only build, handed to `sink` in
// order as they are written: batches of kBatchWorkloads taken in turn by
// the threads, each passed on by the calling thread as soon as every batch
// before it is. A batch's text is freed once passed on, and the next batch
// reuses its memory.
constexpr size_t kBatchWorkloads = 64;

void streamWorkloadYaml(const model::Program &program, unsigned maxThreads, bool separatorFirst,
                        const std::function<void(llvm::StringRef)> &sink) {
  size_t n = program.workloads.size();
  size_t batches = (n + kBatchWorkloads - 1) / kBatchWorkloads;
  size_t threads = std::max<size_t>(std::min(threadCount(maxThreads), n / kParallelWorkloads), 1);
  std::vector<std::string> texts(batches);
  std::unique_ptr<std::atomic<bool>[]> done(new std::atomic<bool>[batches]);
  for (size_t b = 0; b < batches; ++b) done[b].store(false, std::memory_order_relaxed);
  std::atomic<size_t> nextBatch{0};
  size_t passed = 0; // touched by the calling thread only
  auto passOn = [&] {
    for (; passed < batches && done[passed].load(std::memory_order_acquire); ++passed) {
      sink(texts[passed]);
      std::string().swap(texts[passed]);
    }
  };
  runParts(threads, [&](size_t t) {
    Builder<YamlStream> builder(program.target);
    size_t lastSize = 0;
    for (size_t b; (b = nextBatch.fetch_add(1, std::memory_order_relaxed)) < batches;) {
      std::string &out = texts[b];
      out.reserve(lastSize + lastSize / 8);
      for (size_t i = b * kBatchWorkloads, end = std::min(n, i + kBatchWorkloads); i < end; ++i) {
        if (i != 0 || separatorFirst) out += "---\n";
        writeWorkloadYaml(builder, program.workloads[i], out);
        // A thread's first batch: sized from its first document rather
        // than grown through every doubling (each step a block of another
        // size class, in spans of its own).
        if (lastSize == 0 && i == b * kBatchWorkloads) out.reserve(out.size() * (end - i) * 9 / 8);
      }
      lastSize = out.size();
      done[b].store(true, std::memory_order_release);
      if (t == 0) passOn();
    }
  });
  passOn(); // every thread has ended: the rest are done
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
  Builder<TreeBuilder> builder(program.target);
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
    for (const Workload &w : program.workloads) {
      TreeBuilder doc;
      builder.object(w, doc);
      add(doc.take(), outputPath(w, ext));
    }
  } else if (!program.workloads.empty() && streamOnly && opts.sink) {
    if (!stream.empty()) opts.sink(stream);
    stream.clear();
    streamWorkloadYaml(program, opts.threads, !first, opts.sink);
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
  if (streamOnly && opts.sink) {
    for (const std::string &piece : result.streamPieces) opts.sink(piece);
    result.streamPieces.clear();
  }
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
