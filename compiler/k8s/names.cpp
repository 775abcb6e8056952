// TEMPORARY minimal implementation (to be replaced by the full one).
#include "compiler/k8s/names.h"

#include <regex>

namespace rig::k8s {

static bool alnumLower(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::vector<std::string> validateDns1123Label(llvm::StringRef s) {
  std::vector<std::string> e;
  if (s.size() > 63) e.push_back("must be no more than 63 characters");
  bool ok = !s.empty() && alnumLower(s.front()) && alnumLower(s.back());
  for (char c : s) ok &= alnumLower(c) || c == '-';
  if (!ok) e.push_back("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character");
  return e;
}
std::vector<std::string> validateDns1123Subdomain(llvm::StringRef s) {
  std::vector<std::string> e;
  if (s.size() > 253) e.push_back("must be no more than 253 characters");
  llvm::SmallVector<llvm::StringRef, 4> parts;
  s.split(parts, '.');
  bool ok = !s.empty();
  for (auto p : parts) ok &= validateDns1123Label(p).empty();
  if (!ok) e.push_back("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
  return e;
}
std::vector<std::string> validatePortName(llvm::StringRef s) {
  std::vector<std::string> e;
  if (s.size() > 15) e.push_back("must be no more than 15 characters");
  bool ok = !s.empty(), letter = false;
  for (char c : s) { ok &= alnumLower(c) || c == '-'; letter |= c >= 'a' && c <= 'z'; }
  if (!ok) e.push_back("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!letter) e.push_back("must contain at least one letter (a-z)");
  if (s.contains("--")) e.push_back("must not contain consecutive hyphens");
  if (s.startswith("-") || s.endswith("-")) e.push_back("must not begin or end with a hyphen");
  return e;
}
static bool qualifiedPart(llvm::StringRef s) {
  if (s.empty() || s.size() > 63) return false;
  auto an = [](char c) { return std::isalnum((unsigned char)c); };
  if (!an(s.front()) || !an(s.back())) return false;
  for (char c : s) if (!(an(c) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}
std::vector<std::string> validateQualifiedName(llvm::StringRef s) {
  auto [prefix, name] = s.contains('/') ? s.split('/') : std::make_pair(llvm::StringRef(), s);
  std::vector<std::string> e;
  if (s.contains('/') && (prefix.empty() || !validateDns1123Subdomain(prefix).empty())) e.push_back("prefix part must be a lowercase RFC 1123 subdomain");
  if (!qualifiedPart(name)) e.push_back("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
  return e;
}
std::vector<std::string> validateLabelValue(llvm::StringRef s) {
  if (s.empty()) return {};
  if (!qualifiedPart(s)) return {"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"};
  return {};
}
std::vector<std::string> validateEnvVarName(llvm::StringRef s, int) {
  bool ok = !s.empty() && !std::isdigit((unsigned char)s.front());
  for (char c : s) ok &= std::isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
  if (!ok) return {"a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit"};
  return {};
}
std::vector<std::string> validateConfigMapKey(llvm::StringRef s) {
  bool ok = !s.empty() && s.size() <= 253 && s != "." && s != "..";
  for (char c : s) ok &= std::isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
  if (!ok) return {"a valid config key must consist of alphanumeric characters, '-', '_' or '.'"};
  return {};
}
static const llvm::StringRef kCaps[] = {"ALL", "AUDIT_CONTROL", "AUDIT_READ", "AUDIT_WRITE", "BLOCK_SUSPEND", "BPF", "CHECKPOINT_RESTORE", "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "IPC_LOCK", "IPC_OWNER", "KILL", "LEASE", "LINUX_IMMUTABLE", "MAC_ADMIN", "MAC_OVERRIDE", "MKNOD", "NET_ADMIN", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_RAW", "PERFMON", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYSLOG", "SYS_ADMIN", "SYS_BOOT", "SYS_CHROOT", "SYS_MODULE", "SYS_NICE", "SYS_PACCT", "SYS_PTRACE", "SYS_RAWIO", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "WAKE_ALARM"};
bool isKnownCapability(llvm::StringRef s) { for (auto c : kCaps) if (c == s) return true; return false; }
llvm::ArrayRef<llvm::StringRef> knownCapabilities() { return kCaps; }
std::string suggestDns1123(llvm::StringRef s) {
  std::string o;
  for (char c : s.lower()) o += (alnumLower(c) || c == '-') ? c : (c == '_' || c == '.' ? '-' : '\0');
  o.erase(std::remove(o.begin(), o.end(), '\0'), o.end());
  while (!o.empty() && o.front() == '-') o.erase(o.begin());
  while (!o.empty() && o.back() == '-') o.pop_back();
  return o.substr(0, 63);
}
std::string identifierToK8sName(llvm::StringRef ident) { std::string s = ident.str(); std::replace(s.begin(), s.end(), '_', '-'); return s; }
bool validateHostPathType(llvm::StringRef s) {
  for (auto t : {"", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"}) if (s == t) return true;
  return false;
}

} // namespace rig::k8s
