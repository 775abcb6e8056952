// Hand-written matchers for the regular expressions of
// k8s.io/apimachinery/pkg/util/validation/validation.go, with the API
// server's messages.
#include "compiler/k8s/names.h"

#include "llvm/ADT/STLExtras.h"

#include <cctype>

#include "llvm/ADT/SmallVector.h"

namespace rig::k8s {
namespace {

constexpr size_t kDns1123LabelMaxLength = 63;
constexpr size_t kDns1123SubdomainMaxLength = 253;
constexpr size_t kQualifiedNameMaxLength = 63;
constexpr size_t kLabelValueMaxLength = 63;
constexpr size_t kPortNameMaxLength = 15;

// The messages of validation.go. Kubernetes appends to each pattern message
// " (e.g. 'my-name',  or '123-abc', regex used for validation is '...')";
// we leave that tail out: in a compiler diagnostic it is noise next to the
// offending text and a suggested fix. The patterns are on the matchers below.
constexpr const char *kDns1123LabelErrMsg = "a lowercase RFC 1123 label must consist of lower case alphanumeric "
                                            "characters or '-', and must start and end with an alphanumeric character";
constexpr const char *kDns1123SubdomainErrMsg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character";
constexpr const char *kQualifiedNameErrMsg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
constexpr const char *kLabelValueErrMsg = "a valid label must be an empty string or consist of alphanumeric "
                                          "characters, '-', '_' or '.', and must start and end with an alphanumeric "
                                          "character";
constexpr const char *kEnvVarNameErrMsg = "a valid environment variable name must consist of alphabetic characters, "
                                          "digits, '_', '-', or '.', and must not start with a digit";
constexpr const char *kRelaxedEnvVarNameErrMsg =
    "a valid environment variable name must consist only of printable ASCII characters other than '='";
constexpr const char *kConfigMapKeyErrMsg = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";

// The release that turned RelaxedEnvironmentVariableValidation on by default
// (beta); it went GA, locked on, in 1.34.
constexpr int kRelaxedEnvVarDefaultMinor = 32;

std::string maxLenError(size_t length) { return "must be no more than " + std::to_string(length) + " characters"; }

std::string emptyError() { return "must be non-empty"; }

bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool isAlnum(char c) { return isLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

// ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$
bool matchesDns1123Label(llvm::StringRef s) {
  if (s.empty() || !isLowerAlnum(s.front()) || !isLowerAlnum(s.back())) return false;
  for (char c : s)
    if (!isLowerAlnum(c) && c != '-') return false;
  return true;
}

// ^label(\.label)*$, with no per-label length limit (as in Kubernetes).
bool matchesDns1123Subdomain(llvm::StringRef s) {
  llvm::SmallVector<llvm::StringRef, 8> labels;
  s.split(labels, '.');
  for (llvm::StringRef label : labels)
    if (!matchesDns1123Label(label)) return false;
  return true;
}

// ^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$
bool matchesQualifiedName(llvm::StringRef s) {
  if (s.empty() || !isAlnum(s.front()) || !isAlnum(s.back())) return false;
  for (char c : s)
    if (!isAlnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

// validation.hasChDirPrefix: names that would walk out of a directory.
void appendChDirErrors(llvm::StringRef s, std::vector<std::string> &errs) {
  if (s == ".") errs.push_back("must not be '.'");
  else if (s == "..") errs.push_back("must not be '..'");
  else if (s.startswith("..")) errs.push_back("must not start with '..'");
}

// IsEnvVarName: ^[-._a-zA-Z][-._a-zA-Z0-9]*$, then hasChDirPrefix.
std::vector<std::string> strictEnvVarName(llvm::StringRef s) {
  std::vector<std::string> errs;
  bool ok = !s.empty() && !(s.front() >= '0' && s.front() <= '9');
  for (char c : s)
    if (!isAlnum(c) && c != '-' && c != '.' && c != '_') ok = false;
  if (!ok) errs.push_back(std::string(kEnvVarNameErrMsg));
  appendChDirErrors(s, errs);
  return errs;
}

// IsRelaxedEnvVarName.
std::vector<std::string> relaxedEnvVarName(llvm::StringRef s) {
  std::vector<std::string> errs;
  if (s.empty()) errs.push_back("environment variable name " + emptyError());
  // unicode.IsPrint on ASCII is ' ' through '~'; any byte >= 0x80 is part of
  // a non-ASCII rune (or invalid UTF-8), which Go also rejects.
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7E || c == '=') {
      errs.push_back(kRelaxedEnvVarNameErrMsg);
      break;
    }
  }
  return errs;
}

constexpr llvm::StringRef kCapabilities[] = {
    // include/uapi/linux/capability.h, in bit order (CAP_CHOWN = 0 ...
    // CAP_CHECKPOINT_RESTORE = 40), then the CRI's "all capabilities".
    "CHOWN",         "DAC_OVERRIDE",   "DAC_READ_SEARCH", "FOWNER",          "FSETID",
    "KILL",          "SETGID",         "SETUID",          "SETPCAP",         "LINUX_IMMUTABLE",
    "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN",     "NET_RAW",         "IPC_LOCK",
    "IPC_OWNER",     "SYS_MODULE",     "SYS_RAWIO",       "SYS_CHROOT",      "SYS_PTRACE",
    "SYS_PACCT",     "SYS_ADMIN",      "SYS_BOOT",        "SYS_NICE",        "SYS_RESOURCE",
    "SYS_TIME",      "SYS_TTY_CONFIG", "MKNOD",           "LEASE",           "AUDIT_WRITE",
    "AUDIT_CONTROL", "SETFCAP",        "MAC_OVERRIDE",    "MAC_ADMIN",       "SYSLOG",
    "WAKE_ALARM",    "BLOCK_SUSPEND",  "AUDIT_READ",      "PERFMON",         "BPF",
    "CHECKPOINT_RESTORE",
    "ALL",
};

constexpr llvm::StringRef kHostPathTypes[] = {
    "", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice",
};

} // namespace

std::vector<std::string> validateDns1123Label(llvm::StringRef s) {
  std::vector<std::string> errs;
  if (s.size() > kDns1123LabelMaxLength) errs.push_back(maxLenError(kDns1123LabelMaxLength));
  if (!matchesDns1123Label(s)) {
    // A valid subdomain that is not a valid label (length already checked)
    // can only be wrong by its dots.
    if (matchesDns1123Subdomain(s)) errs.push_back("must not contain dots");
    else errs.push_back(std::string(kDns1123LabelErrMsg));
  }
  return errs;
}

std::vector<std::string> validateDns1123Subdomain(llvm::StringRef s) {
  std::vector<std::string> errs;
  if (s.size() > kDns1123SubdomainMaxLength) errs.push_back(maxLenError(kDns1123SubdomainMaxLength));
  if (!matchesDns1123Subdomain(s))
    errs.push_back(std::string(kDns1123SubdomainErrMsg));
  return errs;
}

std::vector<std::string> validatePortName(llvm::StringRef s) {
  std::vector<std::string> errs;
  if (s.size() > kPortNameMaxLength) errs.push_back(maxLenError(kPortNameMaxLength));
  bool charsetOk = !s.empty();
  bool hasLetter = false;
  for (char c : s) {
    if (!isLowerAlnum(c) && c != '-') charsetOk = false;
    if (c >= 'a' && c <= 'z') hasLetter = true;
  }
  if (!charsetOk) errs.push_back("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!hasLetter) errs.push_back("must contain at least one letter (a-z)");
  if (s.contains("--")) errs.push_back("must not contain consecutive hyphens");
  if (!s.empty() && (s.front() == '-' || s.back() == '-')) errs.push_back("must not begin or end with a hyphen");
  return errs;
}

std::vector<std::string> validateQualifiedName(llvm::StringRef s) {
  std::vector<std::string> errs;
  llvm::SmallVector<llvm::StringRef, 3> parts;
  s.split(parts, '/');
  llvm::StringRef name;
  if (parts.size() == 1) {
    name = parts[0];
  } else if (parts.size() == 2) {
    llvm::StringRef prefix = parts[0];
    name = parts[1];
    if (prefix.empty()) {
      errs.push_back("prefix part " + emptyError());
    } else {
      for (const std::string &msg : validateDns1123Subdomain(prefix)) errs.push_back("prefix part " + msg);
    }
  } else {
    errs.push_back("a qualified name " +
                   std::string(kQualifiedNameErrMsg) +
                   " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
    return errs;
  }
  if (name.empty()) errs.push_back("name part " + emptyError());
  else if (name.size() > kQualifiedNameMaxLength) errs.push_back("name part " + maxLenError(kQualifiedNameMaxLength));
  if (!matchesQualifiedName(name))
    errs.push_back("name part " + std::string(kQualifiedNameErrMsg));
  return errs;
}

std::vector<std::string> validateAnnotationKey(llvm::StringRef s) { return validateQualifiedName(s.lower()); }

std::vector<std::string> validateLabelValue(llvm::StringRef s) {
  std::vector<std::string> errs;
  if (s.size() > kLabelValueMaxLength) errs.push_back(maxLenError(kLabelValueMaxLength));
  // ^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$
  if (!s.empty() && !matchesQualifiedName(s))
    errs.push_back(std::string(kLabelValueErrMsg));
  return errs;
}

bool relaxedEnvVarNamesByDefault(int k8sMinor) { return k8sMinor >= kRelaxedEnvVarDefaultMinor; }

std::vector<std::string> validateEnvVarName(llvm::StringRef s, int k8sMinor) {
  if (relaxedEnvVarNamesByDefault(k8sMinor)) return relaxedEnvVarName(s);
  // ValidateEnv reports an empty name as "Required value" before the regex;
  // say the same thing the relaxed rule does.
  if (s.empty()) return {"environment variable name " + emptyError()};
  return strictEnvVarName(s);
}

std::vector<std::string> validateConfigMapKey(llvm::StringRef s) {
  // ^[-._a-zA-Z0-9]+$, then hasChDirPrefix.
  std::vector<std::string> errs;
  if (s.size() > kDns1123SubdomainMaxLength) errs.push_back(maxLenError(kDns1123SubdomainMaxLength));
  bool ok = !s.empty();
  for (char c : s)
    if (!isAlnum(c) && c != '-' && c != '.' && c != '_') ok = false;
  if (!ok) errs.push_back(std::string(kConfigMapKeyErrMsg));
  appendChDirErrors(s, errs);
  return errs;
}

bool isKnownCapability(llvm::StringRef s) { return llvm::is_contained(kCapabilities, s); }

llvm::ArrayRef<llvm::StringRef> knownCapabilities() { return kCapabilities; }

std::string suggestDns1123(llvm::StringRef s) {
  std::string out;
  for (char c : s) {
    char lower = char(std::tolower(static_cast<unsigned char>(c)));
    if (isLowerAlnum(lower) || lower == '-') out += lower;
    else if (c == '_' || c == '.' || std::isspace(static_cast<unsigned char>(c))) out += '-';
  }
  size_t begin = out.find_first_not_of('-');
  if (begin == std::string::npos) return "";
  out = out.substr(begin, kDns1123LabelMaxLength);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string identifierToK8sName(llvm::StringRef ident) {
  std::string out = ident.str();
  for (char &c : out)
    if (c == '_') c = '-';
  return out;
}

bool validateHostPathType(llvm::StringRef s) { return llvm::is_contained(kHostPathTypes, s); }

llvm::ArrayRef<llvm::StringRef> hostPathTypes() { return kHostPathTypes; }

} // namespace rig::k8s
