// DRA objects: DeviceClass and one ResourceClaimTemplate per GPU request, in
// the shape of the target's `resource.k8s.io` version (reference §6.1):
// v1alpha3 (1.31) and v1beta1 (1.32) put deviceClassName/allocationMode/count
// in the request; v1beta2 (1.33) and v1 (1.34) nest them under `exactly`.
// Constraints only rig can prove (NVLink domain, bandwidth) are never
// emitted: they become the pod's node selector in check.
#include <fmt/format.h>

#include "compiler/emit/k8s/feature_objects.h"

namespace rig::emit {

namespace {

// A CEL single-quoted string literal.
std::string celString(llvm::StringRef s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

// The selector of a class as one CEL expression over the attributes and
// capacities the NVIDIA driver publishes (reference §6.2).
std::string classExpression(const model::DeviceClass &c) {
  std::string attrs = fmt::format("device.attributes[{}]", celString(model::kNvidiaGpuDriver));
  std::vector<std::string> terms;
  terms.push_back(fmt::format("device.driver == {}", celString(c.driver)));
  terms.push_back(fmt::format("{}.type == {}", attrs, c.migProfile.empty() ? "'gpu'" : "'mig'"));
  if (!c.migProfile.empty()) terms.push_back(fmt::format("{}.profile == {}", attrs, celString(c.migProfile)));
  if (!c.model.empty()) terms.push_back(fmt::format("{}.productName == {}", attrs, celString(c.model)));
  if (!c.architecture.empty()) terms.push_back(fmt::format("{}.architecture == {}", attrs, celString(c.architecture)));
  if (c.minMemory)
    terms.push_back(fmt::format("device.capacity[{}].memory.compareTo(quantity({})) >= 0", celString(model::kNvidiaGpuDriver),
                                celString(c.minMemory->canonical())));
  std::string expr;
  for (const std::string &t : terms) expr += (expr.empty() ? "" : " && ") + t;
  return expr;
}

Node deviceClass(const model::DeviceClass &c, llvm::StringRef api) {
  Node obj = objectWithMetadata(api, "DeviceClass", c.name);
  Node spec = Node::map();
  Node sel = Node::list();
  Node cel = Node::map();
  cel.set("cel", Node::map()).set("expression", classExpression(c));
  sel.push(std::move(cel));
  spec.set("selectors", std::move(sel));
  if (c.sharing == model::GpuSharing::TimeSlicing) {
    // The driver's sharing configuration (resource.nvidia.com/v1beta1);
    // MIG devices take MigDeviceConfig, full GPUs GpuConfig.
    Node params = Node::map();
    params.set("apiVersion", "resource.nvidia.com/v1beta1");
    params.set("kind", c.migProfile.empty() ? "GpuConfig" : "MigDeviceConfig");
    Node sharing = Node::map();
    sharing.set("strategy", "TimeSlicing");
    sharing.set("timeSlicingConfig", Node::map()).set("interval", c.interval.empty() ? std::string("Default") : c.interval);
    params.set("sharing", std::move(sharing));
    Node opaque = Node::map();
    opaque.setView("driver", c.driver);
    opaque.set("parameters", std::move(params));
    Node cfg = Node::map();
    cfg.set("opaque", std::move(opaque));
    Node cfgs = Node::list();
    cfgs.push(std::move(cfg));
    spec.set("config", std::move(cfgs));
  }
  obj.set("spec", std::move(spec));
  return obj;
}

// `ResourceClaimSpec`: one request and the matchAttribute constraints.
Node claimSpec(const model::GpuRequest &r, k8s::Version target) {
  bool nested = k8s::draNestedRequests(target); // v1beta2 and v1: `exactly`
  Node req = Node::map();
  req.setView("name", r.name);
  auto fill = [&](Node &n) {
    n.setView("deviceClassName", r.className);
    n.set("allocationMode", "ExactCount");
    n.setInt("count", r.count);
  };
  if (nested) fill(req.set("exactly", Node::map()));
  else fill(req);
  Node requests = Node::list();
  requests.push(std::move(req));
  Node devices = Node::map();
  devices.set("requests", std::move(requests));

  // matchAttribute only on attributes the driver really publishes: one
  // product for an NVLink group (no mixing of models), the PCIe root from
  // the drivers that publish it (1.32+).
  Node constraints = Node::list();
  auto constrain = [&](const char *attribute) {
    Node c = Node::map();
    Node names = Node::list();
    names.push(Node::view(r.name));
    c.set("requests", std::move(names));
    c.set("matchAttribute", attribute);
    constraints.push(std::move(c));
  };
  if (r.count > 1 && r.sameNvlinkDomain) constrain("gpu.nvidia.com/productName");
  if (r.count > 1 && r.samePcieRoot && k8s::draPcieRootPublished(target)) constrain("resource.kubernetes.io/pcieRoot");
  devices.setIfNotEmpty("constraints", std::move(constraints));
  Node spec = Node::map();
  spec.set("devices", std::move(devices));
  return spec;
}

} // namespace

Node podResourceClaims(const std::vector<model::GpuRequest> &gpus) {
  Node list = Node::list();
  for (const model::GpuRequest &r : gpus) {
    Node n = Node::map();
    n.setView("name", r.name);
    if (r.sharedClaim.empty()) n.setView("resourceClaimTemplateName", r.templateName);
    else n.setView("resourceClaimName", r.sharedClaim);
    list.push(std::move(n));
  }
  return list;
}

Node containerClaims(const std::vector<model::ClaimUse> &claims) {
  Node list = Node::list();
  for (const model::ClaimUse &u : claims) {
    Node n = Node::map();
    n.setView("name", u.request);
    list.push(std::move(n));
  }
  return list;
}

void emitDeviceObjects(const model::Program &program, std::vector<FeatureObject> &out) {
  llvm::StringRef api = k8s::draApi(program.target);
  if (api.empty()) return; // refused by check
  for (const model::DeviceClass &c : program.devices.classes)
    out.push_back({"deviceclass-" + c.name + ".yaml", deviceClass(c, api)});
  for (const model::SharedClaim &c : program.devices.claims) {
    Node obj = objectWithMetadata(api, "ResourceClaim", c.name, c.ns);
    obj.set("spec", claimSpec(c.request, program.target));
    out.push_back({(c.ns.empty() ? "" : c.ns + "/") + "resourceclaim-" + c.name + ".yaml", std::move(obj)});
  }
  for (const model::Workload &w : program.workloads)
    for (const model::GpuRequest &r : w.gpus) {
      if (!r.sharedClaim.empty()) continue;
      Node obj = objectWithMetadata(api, "ResourceClaimTemplate", r.templateName, w.ns);
      obj.set("spec", Node::map()).set("spec", claimSpec(r, program.target));
      out.push_back({(w.ns.empty() ? "" : w.ns + "/") + "resourceclaimtemplate-" + r.templateName + ".yaml", std::move(obj)});
    }
}

} // namespace rig::emit
