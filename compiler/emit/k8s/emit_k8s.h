// Emit: model -> Kubernetes manifests for the target version. Reads only the
// model; every version decision goes through compiler/k8s/version.h.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "compiler/model/model.h"
#include "llvm/ADT/StringRef.h"

namespace rig::emit {

enum class ManifestFormat { Yaml, Json };

struct EmitOptions {
  ManifestFormat format = ManifestFormat::Yaml;
  // Also write kustomization.yaml listing every object, so that
  // `kubectl apply -k DIR` works.
  bool kustomization = true;
  // With rig-declared AppArmor profiles, also emit the ConfigMap and
  // DaemonSet that load them on the nodes; off for clusters that
  // distribute profiles another way (the Security Profiles Operator, …).
  bool appArmorLoader = true;
  // Threads that write workload documents (0: one per core, at most 8);
  // the output is the same for any number.
  unsigned threads = 0;
  // With a stream-only build (`-o -`): receives the stream piece by piece,
  // in order, as it is written, instead of EmitResult::streamPieces. The
  // workload documents are written in small batches whose memory is reused,
  // so a large build's output never sits in memory whole.
  std::function<void(llvm::StringRef)> sink;
};

struct OutputFile {
  std::string path;    // relative: "shop/deployment-webapp.yaml", "kustomization.yaml"
  std::string content;
};

struct EmitResult {
  std::vector<OutputFile> files; // sorted by path
  // Every object in declaration order, for `-o -`, in the pieces it was
  // written in (on several threads): they are written out one after the
  // other, since joining them would copy the whole output once more.
  std::vector<std::string> streamPieces;
  std::string stream() const; // the pieces joined
};

// `streamOnly` skips the per-file layout (used by `-o -`, which needs only
// the stream and should not pay for both).
EmitResult emitKubernetes(const model::Program &program, const EmitOptions &opts, bool streamOnly = false);

} // namespace rig::emit
