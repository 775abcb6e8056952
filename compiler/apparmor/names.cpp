#include "compiler/apparmor/names.h"

#include <algorithm>
#include <map>

namespace rig::apparmor {

// The capability names of the kernel (include/uapi/linux/capability.h, up
// to CAP_CHECKPOINT_RESTORE, Linux 5.9), as apparmor_parser 3.0 spells them.
llvm::ArrayRef<llvm::StringRef> capabilities() {
  static const llvm::StringRef names[] = {
      "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid", "setpcap",
      "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw", "ipc_lock", "ipc_owner",
      "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
      "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write", "audit_control", "setfcap",
      "mac_override", "mac_admin", "syslog", "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf",
      "checkpoint_restore"};
  return names;
}

// The files in /etc/apparmor.d/abstractions of Debian bookworm's `apparmor`
// 3.0.8 (the two directories, apparmor_api/ and ubuntu-browsers.d/, left out).
llvm::ArrayRef<llvm::StringRef> abstractions() {
  static const llvm::StringRef names[] = {
      "X", "apache2-common", "aspell", "audio", "authentication", "base", "bash", "consoles", "crypto",
      "cups-client", "dbus", "dbus-accessibility", "dbus-accessibility-strict", "dbus-network-manager-strict",
      "dbus-session", "dbus-session-strict", "dbus-strict", "dconf", "dovecot-common", "dri-common",
      "dri-enumerate", "enchant", "exo-open", "fcitx", "fcitx-strict", "fonts", "freedesktop.org", "gio-open",
      "gnome", "gnupg", "gtk", "gvfs-open", "hosts_access", "ibus", "kde", "kde-globals-write",
      "kde-icon-cache-write", "kde-language-write", "kde-open5", "kerberosclient", "ldapclient",
      "libpam-systemd", "likewise", "mdns", "mesa", "mir", "mozc", "mysql", "nameservice", "nis", "nss-systemd",
      "nvidia", "opencl", "opencl-common", "opencl-intel", "opencl-mesa", "opencl-nvidia", "opencl-pocl",
      "openssl", "orbit2", "p11-kit", "perl", "php", "php-worker", "php5", "postfix-common", "private-files",
      "private-files-strict", "python", "qt5", "qt5-compose-cache-write", "qt5-settings-write",
      "recent-documents-write", "ruby", "samba", "samba-rpcd", "smbpass", "snap_browsers", "ssl_certs",
      "ssl_keys", "svn-repositories", "ubuntu-bittorrent-clients", "ubuntu-browsers", "ubuntu-console-browsers",
      "ubuntu-console-email", "ubuntu-email", "ubuntu-feed-readers", "ubuntu-gnome-terminal", "ubuntu-helpers",
      "ubuntu-konsole", "ubuntu-media-players", "ubuntu-unity7-base", "ubuntu-unity7-launcher",
      "ubuntu-unity7-messaging", "ubuntu-xterm", "user-download", "user-mail", "user-manpages", "user-tmp",
      "user-write", "video", "vulkan", "wayland", "web-data", "winbind", "wutmp", "xad", "xdg-desktop",
      "xdg-open"};
  return names;
}

// apparmor.d(5), network rules.
llvm::ArrayRef<llvm::StringRef> networkDomains() {
  static const llvm::StringRef names[] = {
      "unix", "inet", "ax25", "ipx", "appletalk", "netrom", "bridge", "atmpvc", "x25", "inet6", "rose",
      "netbeui", "security", "key", "netlink", "packet", "ash", "econet", "atmsvc", "rds", "sna", "irda",
      "pppox", "wanpipe", "llc", "ib", "mpls", "can", "tipc", "bluetooth", "iucv", "rxrpc", "isdn", "phonet",
      "ieee802154", "caif", "alg", "nfc", "vsock", "kcm", "qipcrtr", "smc", "xdp", "mctp"};
  return names;
}
llvm::ArrayRef<llvm::StringRef> networkTypes() {
  static const llvm::StringRef names[] = {"stream", "dgram", "seqpacket", "rdm", "raw", "packet"};
  return names;
}
llvm::ArrayRef<llvm::StringRef> networkProtocols() {
  static const llvm::StringRef names[] = {"tcp", "udp", "icmp"};
  return names;
}

llvm::ArrayRef<llvm::StringRef> profileFlags() {
  static const llvm::StringRef names[] = {"attach_disconnected", "audit", "chroot_relative", "complain",
                                          "enforce", "kill", "mediate_deleted", "unconfined"};
  return names;
}
llvm::ArrayRef<llvm::StringRef> profileModes() {
  static const llvm::StringRef names[] = {"complain", "enforce", "kill", "unconfined"};
  return names;
}

llvm::ArrayRef<llvm::StringRef> mountOptions() {
  static const llvm::StringRef names[] = {
      "ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "sync", "async", "remount", "mand",
      "nomand", "dirsync", "noatime", "atime", "nodiratime", "diratime", "bind", "rbind", "move", "verbose",
      "silent", "loud", "acl", "noacl", "unbindable", "runbindable", "private", "rprivate", "slave", "rslave",
      "shared", "rshared", "relatime", "norelatime", "iversion", "noiversion", "strictatime", "nouser", "user"};
  return names;
}

llvm::ArrayRef<llvm::StringRef> signalNames() {
  static const llvm::StringRef names[] = {"hup", "int", "quit", "ill", "trap", "abrt", "bus", "fpe", "kill",
                                          "usr1", "segv", "usr2", "pipe", "alrm", "term", "stkflt", "chld",
                                          "cont", "stop", "stp", "ttin", "ttou", "urg", "xcpu", "xfsz",
                                          "vtalrm", "prof", "winch", "io", "pwr", "sys", "emt", "exists"};
  return names;
}
llvm::ArrayRef<llvm::StringRef> ptraceAccess() {
  static const llvm::StringRef names[] = {"read", "readby", "trace", "tracedby"};
  return names;
}
llvm::ArrayRef<llvm::StringRef> signalAccess() {
  static const llvm::StringRef names[] = {"send", "receive"};
  return names;
}
llvm::ArrayRef<llvm::StringRef> unixAccess() {
  static const llvm::StringRef names[] = {"create", "bind", "listen", "accept", "connect", "shutdown",
                                          "getattr", "setattr", "getopt", "setopt", "send", "receive"};
  return names;
}
llvm::ArrayRef<llvm::StringRef> unixTypes() {
  static const llvm::StringRef names[] = {"stream", "dgram", "seqpacket"};
  return names;
}

bool contains(llvm::ArrayRef<llvm::StringRef> list, llvm::StringRef word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

namespace {
// From Debian bookworm's /etc/apparmor.d/tunables (global and what it includes).
const std::map<std::string, std::vector<std::string>, std::less<>> &tunables() {
  static const std::map<std::string, std::vector<std::string>, std::less<>> t = {
      {"HOME", {"@{HOMEDIRS}/*/", "/root/"}},
      {"HOMEDIRS", {"/home/"}},
      {"PROC", {"/proc/"}},
      {"sys", {"/sys/"}},
      {"run", {"/run/", "/var/run/"}},
      {"securityfs", {"@{sys}/kernel/security/"}},
      {"apparmorfs", {"@{securityfs}/apparmor/"}},
      {"etc_ro", {"/etc/", "/usr/etc/"}},
      {"etc_rw", {"/etc/"}},
      {"multiarch", {"*-linux-gnu*"}},
      {"pid", {"{[1-9],[1-9][0-9],[1-9][0-9][0-9],[1-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9][0-9],[1-4][0-9][0-9][0-9][0-9][0-9][0-9]}"}},
      {"pids", {"@{pid}"}},
      {"tid", {"@{pid}"}},
      {"uid", {"{[0-9],[1-9][0-9],[1-9][0-9][0-9],[1-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9],[1-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9],[1-4][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]}"}},
      {"uids", {"@{uid}"}},
  };
  return t;
}
} // namespace

const std::vector<std::string> *tunableValues(llvm::StringRef name) {
  auto it = tunables().find(name);
  return it == tunables().end() ? nullptr : &it->second;
}

std::vector<std::string> tunableNames() {
  std::vector<std::string> out;
  for (auto &[k, v] : tunables()) out.push_back(k);
  return out;
}

} // namespace rig::apparmor
