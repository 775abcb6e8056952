// What loads AppArmor profiles on nodes: a ConfigMap with the profile texts
// and a DaemonSet that loads them on every Linux node.
//
// The loader runs the node's own `apparmor_parser` inside the host's mount
// namespace (`nsenter --target 1 --mount`), feeding each profile on stdin:
// the host resolves `include <tunables/global>` and the abstractions from its
// own /etc/apparmor.d, and the pod needs no host mount at all (the profiles
// come from a read-only ConfigMap volume). Loading policy takes CAP_MAC_ADMIN
// and entering the host's mount namespace CAP_SYS_ADMIN with hostPID, hence
// `privileged`. Once every profile is loaded the pod turns Ready (a marker
// file its readiness probe tests), so `kubectl rollout status` says when the
// nodes have them; the pod template carries a hash of the profile texts, so
// any change to a profile rolls the DaemonSet and reloads them
// (`apparmor_parser -r` replaces profiles in place).
#include "compiler/emit/apparmor/profile_text.h"
#include "compiler/emit/k8s/feature_objects.h"

#include <algorithm>

#include <fmt/format.h>

#include "llvm/Support/SHA256.h"

namespace rig::emit {

namespace {

constexpr const char *kNamespace = "kube-system";
constexpr const char *kName = "rig-apparmor-loader";
constexpr const char *kConfigMap = "rig-apparmor-profiles";
constexpr const char *kHashAnnotation = "rig.dev/apparmor-profiles-sha256";
constexpr const char *kImage = "debian:bookworm-slim"; // sh, nsenter (util-linux), test
constexpr const char *kProfileDir = "/etc/rig-apparmor";
constexpr const char *kStateDir = "/run/rig-apparmor";

std::string sha256Hex(const std::string &data) {
  llvm::SHA256 h;
  h.update(llvm::StringRef(data));
  llvm::StringRef digest = h.final();
  static const char *hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) out += hex[b >> 4], out += hex[b & 15];
  return out;
}

Node labels() {
  Node l = Node::map();
  l.set("app.kubernetes.io/name", kName);
  l.set("app.kubernetes.io/managed-by", "rig");
  return l;
}

Node metadata(const char *name) {
  Node m = Node::map();
  m.set("name", name);
  m.set("namespace", kNamespace);
  m.set("labels", labels());
  return m;
}

Node execAction(std::vector<std::string> command) {
  Node cmd = Node::list();
  for (std::string &c : command) cmd.push(Node::string(std::move(c)));
  Node e = Node::map();
  e.set("command", std::move(cmd));
  return e;
}

} // namespace

void emitAppArmorObjects(const model::Program &program, const EmitOptions &opts, std::vector<FeatureObject> &out) {
  if (!opts.appArmorLoader || program.apparmor.profiles.empty()) return;
  // The ConfigMap: one key per profile (its name), in name order. Keys are
  // views: the model's names outlive the document.
  std::vector<const model::AppArmorProfile *> profiles;
  for (const model::AppArmorProfile &p : program.apparmor.profiles) profiles.push_back(&p);
  std::sort(profiles.begin(), profiles.end(), [](auto *a, auto *b) { return a->name < b->name; });
  Node data = Node::map();
  std::string all;
  for (const model::AppArmorProfile *p : profiles) {
    std::string text = appArmorProfileText(*p);
    all += p->name + '\0' + text + '\0';
    data.set(p->name, std::move(text));
  }
  Node cm = Node::map();
  cm.set("apiVersion", "v1");
  cm.set("kind", "ConfigMap");
  cm.set("metadata", metadata(kConfigMap));
  cm.set("data", std::move(data));
  out.push_back({std::string(kNamespace) + "/configmap-" + kConfigMap + ".yaml", std::move(cm)});

  std::string script = fmt::format(
      "set -eu\n"
      "rm -f {1}/loaded\n"
      "for f in {0}/*; do\n"
      "  nsenter --target 1 --mount -- apparmor_parser --replace < \"$f\"\n"
      "  echo \"loaded AppArmor profile $(basename \"$f\")\"\n"
      "done\n"
      "touch {1}/loaded\n"
      "trap 'exit 0' TERM INT\n"
      "while true; do sleep 3600 & wait $!; done\n",
      kProfileDir, kStateDir);

  Node container = Node::map();
  container.set("name", "loader");
  container.set("image", kImage);
  Node command = Node::list();
  command.push(Node::view("/bin/sh"));
  command.push(Node::view("-c"));
  command.push(Node::string(script));
  container.set("command", std::move(command));
  Node probe = Node::map();
  probe.set("exec", execAction({"test", "-f", std::string(kStateDir) + "/loaded"}));
  probe.setInt("periodSeconds", 5);
  container.set("readinessProbe", std::move(probe));
  Node res = Node::map();
  Node req = Node::map();
  req.set("cpu", "10m");
  req.set("memory", "16Mi");
  Node lim = Node::map();
  lim.set("memory", "64Mi");
  res.set("requests", std::move(req));
  res.set("limits", std::move(lim));
  container.set("resources", std::move(res));
  Node sec = Node::map();
  sec.setBool("privileged", true);
  sec.setBool("readOnlyRootFilesystem", true);
  container.set("securityContext", std::move(sec));
  Node mounts = Node::list();
  Node profilesMount = Node::map();
  profilesMount.set("name", "profiles");
  profilesMount.set("mountPath", kProfileDir);
  profilesMount.setBool("readOnly", true);
  mounts.push(std::move(profilesMount));
  Node stateMount = Node::map();
  stateMount.set("name", "state");
  stateMount.set("mountPath", kStateDir);
  mounts.push(std::move(stateMount));
  container.set("volumeMounts", std::move(mounts));

  Node volumes = Node::list();
  Node pv = Node::map();
  pv.set("name", "profiles");
  Node cmv = Node::map();
  cmv.set("name", kConfigMap);
  pv.set("configMap", std::move(cmv));
  volumes.push(std::move(pv));
  Node sv = Node::map();
  sv.set("name", "state");
  sv.set("emptyDir", Node::map());
  volumes.push(std::move(sv));

  Node podSpec = Node::map();
  podSpec.setBool("hostPID", true);
  Node nodeSelector = Node::map();
  nodeSelector.set("kubernetes.io/os", "linux");
  podSpec.set("nodeSelector", std::move(nodeSelector));
  // Every node, tainted or not: a pod that needs a profile may land anywhere.
  Node tol = Node::map();
  tol.set("operator", "Exists");
  Node tolerations = Node::list();
  tolerations.push(std::move(tol));
  podSpec.set("tolerations", std::move(tolerations));
  podSpec.set("priorityClassName", "system-node-critical");
  Node containers = Node::list();
  containers.push(std::move(container));
  podSpec.set("containers", std::move(containers));
  podSpec.set("volumes", std::move(volumes));

  Node tmplMeta = Node::map();
  tmplMeta.set("labels", labels());
  Node ann = Node::map();
  ann.set(kHashAnnotation, sha256Hex(all));
  tmplMeta.set("annotations", std::move(ann));
  Node tmpl = Node::map();
  tmpl.set("metadata", std::move(tmplMeta));
  tmpl.set("spec", std::move(podSpec));

  Node selector = Node::map();
  selector.set("matchLabels", labels());
  Node spec = Node::map();
  spec.set("selector", std::move(selector));
  spec.set("template", std::move(tmpl));

  Node ds = Node::map();
  ds.set("apiVersion", "apps/v1");
  ds.set("kind", "DaemonSet");
  ds.set("metadata", metadata(kName));
  ds.set("spec", std::move(spec));
  out.push_back({std::string(kNamespace) + "/daemonset-" + kName + ".yaml", std::move(ds)});
}

} // namespace rig::emit
