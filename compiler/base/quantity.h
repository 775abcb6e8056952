// Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity):
// exact values, and the canonical form the API server writes back.
//
// Values are held in thousandths ("milli") because that is the precision the
// API server keeps for every ResourceList: SetDefaults_ResourceList
// (pkg/apis/core/v1/defaults.go) calls RoundUp(-3) on each request and limit,
// so "0.1m" is stored as "1m". Parsing rounds the same way (away from zero),
// and says so through QuantityParseResult::roundedUp.
#pragma once

#include <optional>
#include <string>

#include "llvm/ADT/StringRef.h"

namespace rig {

enum class QuantityFormat { DecimalSI, BinarySI, DecimalExponent };

struct Quantity {
  // The value × 1000, exact. Parsing keeps |milli| < 10^38 (10^35 units) so
  // arithmetic in canonical() and compare() cannot overflow.
  __int128 milli = 0;
  // The suffix family the value was written in; canonical() keeps it where
  // Kubernetes does (see canonical()).
  QuantityFormat format = QuantityFormat::DecimalSI;

  // The string the API server serialises for this value (Quantity.String()):
  // the largest suffix of the value's format that needs no fractional digits,
  // e.g. "500m", "2", "1k", "512Mi", "1536Mi" for 1.5Gi, "1e3" for
  // DecimalExponent. BinarySI values below 1024 in magnitude, or not a whole
  // number, print as DecimalSI ("1536" for 1.5Ki, "500m" for 0.5 BinarySI).
  std::string canonical() const;
  // <0, 0, >0 as this value is less than, equal to or greater than o's;
  // the format plays no part.
  int compare(const Quantity &o) const { return milli < o.milli ? -1 : milli > o.milli ? 1 : 0; }
  bool isZero() const { return milli == 0; }
  static Quantity fromMilli(__int128 m, QuantityFormat f) { return Quantity{m, f}; }
};

struct QuantityParseResult {
  std::optional<Quantity> value;
  // Lowercase message when !value, e.g. "unknown suffix `MB`".
  std::string error;
  // A fix when one is evident, e.g. "did you mean `512Mi` (binary) or `512M`
  // (decimal)?". Empty otherwise.
  std::string suggestion;
  // The text had precision below 1m; the value was rounded away from zero to
  // the next thousandth, as the API server does ("0.1m" -> 1m).
  bool roundedUp = false;
  // A BinarySI value above 2^63-1 was capped at 2^63-1, as ParseQuantity does
  // silently ("8Ei" -> 9223372036854775807).
  bool clamped = false;
};

// Parses Kubernetes quantity syntax: sign? digits? ('.' digits?)? suffix,
// where the suffix is one of n u m "" k M G T P E, Ki Mi Gi Ti Pi Ei, or an
// exponent e/E [+-]? digits. Accepts exactly what resource.ParseQuantity
// accepts, except that a number needs at least one digit (Kubernetes reads
// ".", "+" and "Mi" as zero; we reject them as almost certainly mistakes)
// and magnitudes of 10^35 or more are reported as out of range.
QuantityParseResult parseQuantity(llvm::StringRef text);

} // namespace rig
