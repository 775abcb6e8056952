// Kubernetes name, label, key and capability validation, worded like the API
// server's own messages (k8s.io/apimachinery/pkg/util/validation and
// pkg/apis/core/validation). Each validate* function returns the messages
// Kubernetes would give, in its order; an empty vector means valid.
//
// Message wording follows the 1.34 release of util/validation ("must be no
// more than 63 characters", "a qualified name ..."). From 1.35 label keys and
// values are checked by api/validate/content, which says "bytes" and "a valid
// label key"; the rules themselves are unchanged. Kubernetes ends each
// pattern message with " (e.g. '...', regex used for validation is '...')";
// that tail is left out here.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace rig::k8s {

// IsDNS1123Label: at most 63 of [a-z0-9-], alphanumeric at both ends.
// Container, volume and port-less names.
std::vector<std::string> validateDns1123Label(llvm::StringRef);
// IsDNS1123Subdomain: at most 253 characters of dot-separated DNS labels.
// Object names (metadata.name of most kinds), ConfigMap and Secret names.
std::vector<std::string> validateDns1123Subdomain(llvm::StringRef);
// IsValidPortName (IANA_SVC_NAME): at most 15 of [a-z0-9-], at least one
// letter, no "--", no hyphen at either end.
std::vector<std::string> validatePortName(llvm::StringRef);
// IsQualifiedName: label keys, an optional DNS-subdomain prefix and '/',
// then a name of at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends.
std::vector<std::string> validateQualifiedName(llvm::StringRef);
// Annotation keys: ValidateAnnotations lower-cases a key before
// IsQualifiedName, so the prefix may contain capitals there.
std::vector<std::string> validateAnnotationKey(llvm::StringRef);
// IsValidLabelValue: empty, or at most 63 of [A-Za-z0-9-_.] with an
// alphanumeric at both ends.
std::vector<std::string> validateLabelValue(llvm::StringRef);

// Container env var names (and envFrom prefixes) for Kubernetes 1.<k8sMinor>.
// RelaxedEnvironmentVariableValidation: alpha and off by default in 1.30 and
// 1.31, beta and on in 1.32 and 1.33, GA and locked on from 1.34. Before 1.32
// (by default) IsEnvVarName applies: [-._a-zA-Z][-._a-zA-Z0-9]*, and not ".",
// ".." or a ".." prefix. From 1.32 IsRelaxedEnvVarName applies: non-empty,
// printable ASCII (space included), no '='.
std::vector<std::string> validateEnvVarName(llvm::StringRef, int k8sMinor);
// Whether 1.<k8sMinor> uses the relaxed env var rule by default.
bool relaxedEnvVarNamesByDefault(int k8sMinor);

// Container image references, as the kubelet parses them before pulling
// (github.com/distribution/reference, ParseNormalizedNamed): an optional
// registry host (DNS name or [IPv6], optional :port) and '/', then
// '/'-separated path components of [a-z0-9] runs joined by '.', '_', '__'
// or dashes; an optional :tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}) and
// @digest (algorithm:hex, at least 32 hex digits); the name at most 255
// characters, and not 64 hex digits alone. The API server does not check
// this; the kubelet refuses such an image (InvalidImageName) and the pod
// never starts. Returns why it is not one, in the reference library's
// words, or an empty string.
std::string imageReferenceError(llvm::StringRef);

// IsConfigMapKey: keys of ConfigMap and Secret data; at most 253 of
// [-._a-zA-Z0-9], and not ".", ".." or a ".." prefix.
std::vector<std::string> validateConfigMapKey(llvm::StringRef);

// Linux capability names as securityContext.capabilities.add/drop must hold
// them: upper case, without the "CAP_" prefix ("NET_BIND_SERVICE"), or "ALL".
// Kubernetes does not check these names; the runtime does, and the two
// common ones disagree: CRI-O accepts a "CAP_" prefix and rejects unknown
// names, while containerd always prepends "CAP_" (so "CAP_NET_ADMIN" becomes
// "CAP_CAP_NET_ADMIN", which runc ignores with only a log warning). Both
// upper-case the name, but Pod Security Standards compare the strings as
// written. So only the portable spelling is accepted here; callers may
// normalise user input (strip "CAP_", upper-case) before asking.
bool isKnownCapability(llvm::StringRef);
// The Linux capabilities through CAP_CHECKPOINT_RESTORE (41, kernel 5.9's
// CAP_LAST_CAP) without "CAP_", followed by "ALL". For did-you-mean.
llvm::ArrayRef<llvm::StringRef> knownCapabilities();

// A best-effort DNS-1123 label from arbitrary text: lower-cased, '_', '.' and
// whitespace turned into '-', other invalid characters dropped, '-' trimmed
// from both ends, at most 63 characters. May be empty (e.g. for "___").
std::string suggestDns1123(llvm::StringRef);
// rig identifiers become Kubernetes names by turning '_' into '-', nothing
// else: the checker validates the result like any other name.
std::string identifierToK8sName(llvm::StringRef ident);

// Whether the text is a HostPathType: "" (no check), DirectoryOrCreate,
// Directory, FileOrCreate, File, Socket, CharDevice or BlockDevice.
bool validateHostPathType(llvm::StringRef);
// The HostPathType values, for messages and did-you-mean.
llvm::ArrayRef<llvm::StringRef> hostPathTypes();

// TotalAnnotationSizeLimitB (apimachinery/pkg/api/validation/objectmeta.go):
// the sum of len(key) + len(value) over an object's annotations may not
// exceed 256 KiB.
constexpr size_t kMaxAnnotationsTotalBytes = 256 * 1024;

} // namespace rig::k8s
