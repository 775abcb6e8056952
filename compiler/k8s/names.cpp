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

namespace {

bool isHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool isWordChar(char c) { return isAlnum(c) || c == '_'; }

// [a-z0-9]+ ((?:[._]|__|[-]+) [a-z0-9]+)* , in one pass: this runs for
// every container of a build.
bool isPathComponent(llvm::StringRef s) {
  // The separator run since the last letter or digit: 0 none, '.', '_'
  // (one or two of them: `two`), or '-' (any number).
  char run = 0;
  bool two = false;
  if (s.empty() || !isLowerAlnum(s.front())) return false;
  for (char c : s) {
    if (isLowerAlnum(c)) {
      run = 0;
      two = false;
    } else if (c == '.') {
      if (run) return false;
      run = '.';
    } else if (c == '_') {
      if (run == '_' && !two) two = true;
      else if (run) return false;
      else run = '_';
    } else if (c == '-') {
      if (run && run != '-') return false;
      run = '-';
    } else {
      return false;
    }
  }
  return run == 0;
}

// host (':' [0-9]+)? ; host: DNS-ish components joined by '.', or [IPv6]
bool isDomainAndPort(llvm::StringRef s) {
  llvm::StringRef host = s;
  if (s.startswith("[")) {
    size_t close = s.find(']');
    if (close == llvm::StringRef::npos || close == 1) return false;
    for (char c : s.slice(1, close))
      if (!isHex(c) && c != ':') return false;
    host = s.take_front(close + 1);
  } else {
    host = s.take_until([](char c) { return c == ':'; });
    llvm::SmallVector<llvm::StringRef, 4> parts;
    host.split(parts, '.');
    for (llvm::StringRef part : parts) {
      if (part.empty() || !isAlnum(part.front()) || !isAlnum(part.back())) return false;
      for (char c : part)
        if (!isAlnum(c) && c != '-') return false;
    }
  }
  llvm::StringRef port = s.drop_front(host.size());
  if (port.empty()) return true;
  if (port.size() < 2 || port.front() != ':') return false;
  for (char c : port.drop_front())
    if (c < '0' || c > '9') return false;
  return true;
}

// [A-Za-z][A-Za-z0-9]* ([-_+.][A-Za-z][A-Za-z0-9]*)* ':' [0-9a-fA-F]{32,}
bool isDigest(llvm::StringRef s) {
  auto [algorithm, hex] = s.split(':');
  if (hex.size() < 32 || !llvm::all_of(hex, isHex)) return false;
  size_t i = 0, n = algorithm.size();
  for (;;) {
    if (i >= n || !((algorithm[i] >= 'a' && algorithm[i] <= 'z') || (algorithm[i] >= 'A' && algorithm[i] <= 'Z'))) return false;
    while (i < n && isAlnum(algorithm[i])) ++i;
    if (i == n) return true;
    if (algorithm[i] != '-' && algorithm[i] != '_' && algorithm[i] != '+' && algorithm[i] != '.') return false;
    ++i;
  }
}

} // namespace

namespace {
std::string imageReferenceErrorUncached(llvm::StringRef ref);
}

std::string imageReferenceError(llvm::StringRef ref) {
  // A build names the same few images again and again (every workload has
  // its sidecars): the last few found valid, per thread, are taken as they
  // are. (A full check is some 500 instructions; a hit, a compare or two.)
  constexpr size_t kRemembered = 4;
  thread_local std::string valid[kRemembered];
  thread_local size_t next = 0;
  for (const std::string &v : valid)
    if (v.size() == ref.size() && !v.empty() && llvm::StringRef(v) == ref) return "";
  std::string why = imageReferenceErrorUncached(ref);
  if (why.empty()) {
    valid[next].assign(ref.data(), ref.size());
    next = (next + 1) % kRemembered;
  }
  return why;
}

namespace {
std::string imageReferenceErrorUncached(llvm::StringRef ref) {
  if (ref.empty()) return "repository name must have at least one component";
  llvm::StringRef rest = ref, digest, tag;
  if (size_t at = ref.find('@'); at != llvm::StringRef::npos) {
    rest = ref.take_front(at);
    digest = ref.drop_front(at + 1);
    if (!isDigest(digest)) return "invalid reference format: the digest is not algorithm:hex (e.g. sha256: and 64 hex digits)";
  }
  // A ':' after the last '/' starts the tag; one before it is a port.
  size_t slash = rest.rfind('/');
  size_t colon = rest.find(':', slash == llvm::StringRef::npos ? 0 : slash + 1);
  llvm::StringRef name = rest;
  if (colon != llvm::StringRef::npos) {
    name = rest.take_front(colon);
    tag = rest.drop_front(colon + 1);
    if (tag.empty() || tag.size() > 128 || !isWordChar(tag.front()) ||
        !llvm::all_of(tag, [](char c) { return isWordChar(c) || c == '.' || c == '-'; }))
      return "invalid reference format: a tag is up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'";
  }
  if (name.empty()) return "invalid reference format: no repository name";
  if (name.size() > 255) return "repository name must not be more than 255 characters";
  // Path components all of them, or a registry host and then path
  // components (a host may have capitals and dots; a path component not).
  size_t firstSlash = name.find('/');
  llvm::StringRef first = name.take_front(firstSlash), path = name.drop_front(first.size());
  auto restArePath = [](llvm::StringRef rest) { // "/a/b…", each part a path component
    while (!rest.empty()) {
      rest = rest.drop_front(); // the '/'
      size_t next = rest.find('/');
      if (!isPathComponent(rest.take_front(next))) return false;
      rest = rest.drop_front(next == llvm::StringRef::npos ? rest.size() : next);
    }
    return true;
  };
  bool pathRest = restArePath(path);
  if (!(pathRest && (isPathComponent(first) || (!path.empty() && isDomainAndPort(first))))) {
    llvm::StringRef repository = !path.empty() && isDomainAndPort(first) ? path.drop_front() : name;
    if (llvm::any_of(repository, [](char c) { return c >= 'A' && c <= 'Z'; })) return "repository name must be lowercase";
    return "invalid reference format: path components are lowercase letters and digits, joined by '.', '_', '__' or '-'";
  }
  if (ref.size() == 64 && llvm::all_of(ref, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }))
    return "cannot specify 64-byte hexadecimal strings";
  return "";
}
} // namespace

} // namespace rig::k8s
