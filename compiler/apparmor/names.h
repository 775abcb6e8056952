// The names AppArmor 3.0 (Debian bookworm's `apparmor` 3.0.8) knows: kernel
// capabilities, the abstractions the package ships, network domains, types
// and protocols, profile flags, mount options, signals, access words, and
// the variables `tunables/global` defines. Rules are checked against these
// so that the user gets a rig diagnostic instead of apparmor_parser's
// "first error, next line" report on the node.
#pragma once

#include <string>
#include <vector>

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace rig::apparmor {

llvm::ArrayRef<llvm::StringRef> capabilities();     // lowercase, no `cap_`
llvm::ArrayRef<llvm::StringRef> abstractions();     // file names under abstractions/
llvm::ArrayRef<llvm::StringRef> networkDomains();
llvm::ArrayRef<llvm::StringRef> networkTypes();
llvm::ArrayRef<llvm::StringRef> networkProtocols();
llvm::ArrayRef<llvm::StringRef> profileFlags();
llvm::ArrayRef<llvm::StringRef> profileModes();     // the flags that are modes: at most one
llvm::ArrayRef<llvm::StringRef> mountOptions();
llvm::ArrayRef<llvm::StringRef> signalNames();
llvm::ArrayRef<llvm::StringRef> ptraceAccess();
llvm::ArrayRef<llvm::StringRef> signalAccess();
llvm::ArrayRef<llvm::StringRef> unixAccess();
llvm::ArrayRef<llvm::StringRef> unixTypes();

bool contains(llvm::ArrayRef<llvm::StringRef> list, llvm::StringRef word);

// The values of a variable `include <tunables/global>` defines (they may
// refer to other variables), or nullptr.
const std::vector<std::string> *tunableValues(llvm::StringRef name);
// Every tunable's name, for did-you-mean.
std::vector<std::string> tunableNames();

} // namespace rig::apparmor
