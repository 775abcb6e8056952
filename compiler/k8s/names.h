// Kubernetes name, label and capability validation, worded like the API
// server's own messages.
#pragma once

#include <string>
#include <vector>

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace rig::k8s {

std::vector<std::string> validateDns1123Label(llvm::StringRef);
std::vector<std::string> validateDns1123Subdomain(llvm::StringRef);
std::vector<std::string> validatePortName(llvm::StringRef);
std::vector<std::string> validateQualifiedName(llvm::StringRef);
std::vector<std::string> validateLabelValue(llvm::StringRef);
std::vector<std::string> validateEnvVarName(llvm::StringRef, int k8sMinor);
std::vector<std::string> validateConfigMapKey(llvm::StringRef);
bool isKnownCapability(llvm::StringRef);
llvm::ArrayRef<llvm::StringRef> knownCapabilities();
std::string suggestDns1123(llvm::StringRef);
std::string identifierToK8sName(llvm::StringRef ident);
bool validateHostPathType(llvm::StringRef);
constexpr size_t kMaxAnnotationsTotalBytes = 256 * 1024;

} // namespace rig::k8s
