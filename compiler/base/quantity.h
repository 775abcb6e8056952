// Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity):
// exact values, and the canonical form the API server writes back.
#pragma once

#include <optional>
#include <string>

#include "llvm/ADT/StringRef.h"

namespace rig {

enum class QuantityFormat { DecimalSI, BinarySI, DecimalExponent };

struct Quantity {
  __int128 milli = 0; // value × 1000, exact
  QuantityFormat format = QuantityFormat::DecimalSI;
  std::string canonical() const;
  int compare(const Quantity &o) const { return milli < o.milli ? -1 : milli > o.milli ? 1 : 0; }
  bool isZero() const { return milli == 0; }
  static Quantity fromMilli(__int128 m, QuantityFormat f) { return Quantity{m, f}; }
};

struct QuantityParseResult {
  std::optional<Quantity> value;
  std::string error;
  std::string suggestion;
  bool roundedUp = false;
};

QuantityParseResult parseQuantity(llvm::StringRef text);

} // namespace rig
