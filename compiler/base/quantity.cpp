// Parsing and canonical printing of Kubernetes quantities, following
// k8s.io/apimachinery/pkg/api/resource (quantity.go, suffix.go, amount.go).
#include "compiler/base/quantity.h"

#include <cctype>
#include <cstdint>

#include "llvm/ADT/APInt.h"

namespace rig {
namespace {

using U128 = unsigned __int128;

// Largest magnitude parseQuantity keeps, in milli: 10^38 - 1 fits an
// __int128 (max ~1.7 × 10^38) with room for canonical()'s ×100.
constexpr U128 pow10u(int n) {
  U128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}
constexpr U128 kMaxAbsMilli = pow10u(38) - 1;

// ParseQuantity caps BinarySI magnitudes at maxAllowed = 2^63-1 units.
constexpr U128 kBinaryCapMilli = U128(INT64_MAX) * 1000;

std::string toDecimal(U128 v) {
  if (v == 0) return "0";
  char buf[40];
  int i = sizeof(buf);
  while (v > 0) {
    buf[--i] = char('0' + int(v % 10));
    v /= 10;
  }
  return std::string(buf + i, sizeof(buf) - i);
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// How a suffix scales the number: value = number × 10^exp10 × 2^exp2.
struct SuffixMeaning {
  int64_t exp10 = 0;
  unsigned exp2 = 0;
  QuantityFormat format = QuantityFormat::DecimalSI;
};

// The fixed suffixes of suffix.go's newSuffixer / fastLookup.
std::optional<SuffixMeaning> lookupSuffix(llvm::StringRef s) {
  struct Entry {
    const char *text;
    int exp10;
    unsigned exp2;
  };
  static constexpr Entry kDecimal[] = {{"n", -9, 0}, {"u", -6, 0}, {"m", -3, 0}, {"", 0, 0}, {"k", 3, 0},
                                       {"M", 6, 0},  {"G", 9, 0},  {"T", 12, 0}, {"P", 15, 0}, {"E", 18, 0}};
  static constexpr Entry kBinary[] = {{"Ki", 0, 10}, {"Mi", 0, 20}, {"Gi", 0, 30},
                                      {"Ti", 0, 40}, {"Pi", 0, 50}, {"Ei", 0, 60}};
  for (const Entry &e : kDecimal)
    if (s == e.text) return SuffixMeaning{e.exp10, 0, QuantityFormat::DecimalSI};
  for (const Entry &e : kBinary)
    if (s == e.text) return SuffixMeaning{0, e.exp2, QuantityFormat::BinarySI};
  return std::nullopt;
}

const char *decimalSuffix(int exp) {
  switch (exp) {
  case -9: return "n";
  case -6: return "u";
  case -3: return "m";
  case 0: return "";
  case 3: return "k";
  case 6: return "M";
  case 9: return "G";
  case 12: return "T";
  case 15: return "P";
  case 18: return "E";
  }
  return nullptr;
}

std::string backticked(llvm::StringRef s) { return "`" + s.str() + "`"; }

// A guess at what a user meant by a suffix Kubernetes rejects: byte-unit
// spellings ("MB", "GiB", "kb"), wrong case ("K", "gi") and the micro sign.
// `number` is the text before the suffix, kept as written.
std::string suggestSuffix(llvm::StringRef number, llvm::StringRef suffix) {
  if (suffix == "\xC2\xB5" || suffix == "\xCE\xBC") // µ (micro sign), μ (Greek mu)
    return "did you mean " + backticked(number.str() + "u") + "?";
  std::string t = suffix.str();
  if (t.size() >= 2 && (t.back() == 'B' || t.back() == 'b')) t.pop_back();
  bool saidBinary = false;
  if (t.size() == 2 && (t[1] == 'i' || t[1] == 'I')) {
    saidBinary = true;
    t.pop_back();
  }
  if (t.size() != 1) return "";
  char unit = char(std::toupper(static_cast<unsigned char>(t[0])));
  if (llvm::StringRef("KMGTPE").find(unit) == llvm::StringRef::npos) return "";
  std::string binary = number.str() + unit + "i";
  if (saidBinary) return "did you mean " + backticked(binary) + "?";
  std::string decimal = number.str() + (unit == 'K' ? 'k' : unit);
  return "did you mean " + backticked(binary) + " (binary) or " + backticked(decimal) + " (decimal)?";
}

QuantityParseResult failure(std::string error, std::string suggestion = "") {
  QuantityParseResult r;
  r.error = std::move(error);
  r.suggestion = std::move(suggestion);
  return r;
}

// Suggests `candidate` if it parses cleanly.
std::string suggestIfValid(const std::string &candidate) {
  QuantityParseResult r = parseQuantity(candidate);
  if (!r.value) return "";
  return "did you mean " + backticked(candidate) + "?";
}

// Computes |value| in milli, rounded away from zero, from the significant
// digits (no leading zeros), a power of ten and a power of two:
// |value| × 1000 = digits × 10^exp10 × 2^exp2. Returns nullopt when the
// magnitude exceeds kMaxAbsMilli.
struct Magnitude {
  U128 milli = 0;
  bool inexact = false; // digits below 1m were rounded up
};
std::optional<Magnitude> magnitude(std::string digits, int64_t exp10, unsigned exp2) {
  // Trailing zeros are a power of ten; moving them keeps the numbers small.
  while (!digits.empty() && digits.back() == '0') {
    digits.pop_back();
    ++exp10;
  }
  if (digits.empty()) return Magnitude{};
  int64_t len = int64_t(digits.size());
  // digits × 10^exp10 lies in [10^(len-1+exp10), 10^(len+exp10)), and
  // 2^exp2 <= 2^60 < 10^19. Decide the extremes without big arithmetic.
  if (len - 1 + exp10 >= 38) return std::nullopt;
  if (len + exp10 + 19 <= 0) return Magnitude{1, true};

  unsigned pow10 = unsigned(exp10 < 0 ? -exp10 : exp10);
  unsigned width = 4 * unsigned(len) + 4 * pow10 + exp2 + 128;
  llvm::APInt n(width, digits, 10);
  n = n.shl(exp2);
  llvm::APInt scale(width, 1);
  for (unsigned i = 0; i < pow10; ++i) scale *= 10;
  Magnitude m;
  if (exp10 >= 0) {
    n *= scale;
  } else {
    llvm::APInt q(width, 0), r(width, 0);
    llvm::APInt::udivrem(n, scale, q, r);
    n = q;
    if (!r.isZero()) {
      n += 1;
      m.inexact = true;
    }
  }
  if (n.getActiveBits() > 128) return std::nullopt;
  U128 v = (U128(n.extractBitsAsZExtValue(64, 64)) << 64) | n.extractBitsAsZExtValue(64, 0);
  if (v > kMaxAbsMilli) return std::nullopt;
  m.milli = v;
  return m;
}

} // namespace

std::string Quantity::canonical() const {
  if (milli == 0) return "0";
  bool negative = milli < 0;
  U128 mag = negative ? U128(0) - U128(milli) : U128(milli);
  std::string out = negative ? "-" : "";

  // CanonicalizeBytes: BinarySI only for whole values of magnitude >= 1024;
  // anything else would need rounding, so it prints as DecimalSI.
  QuantityFormat f = format;
  if (f == QuantityFormat::BinarySI && (mag < 1024 * 1000 || mag % 1000 != 0)) f = QuantityFormat::DecimalSI;

  if (f == QuantityFormat::BinarySI) {
    // AsCanonicalBase1024Bytes: strip factors of 1024 into the suffix. Ei is
    // the largest suffix; Kubernetes has none beyond it (and would drop the
    // exponent), so larger values keep a mantissa >= 1024 instead.
    static const char *const kBinary[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    U128 n = mag / 1000;
    int e = 0;
    while (e < 6 && n % 1024 == 0) {
      n /= 1024;
      ++e;
    }
    return out + toDecimal(n) + kBinary[e];
  }

  // AsCanonicalBytes: move factors of ten into the exponent, then lower the
  // exponent to a multiple of three. The result never exceeds |milli|.
  U128 m = mag;
  int exp = -3;
  while (m % 10 == 0) {
    m /= 10;
    ++exp;
  }
  while (exp % 3 != 0) {
    m *= 10;
    --exp;
  }
  out += toDecimal(m);
  if (f == QuantityFormat::DecimalSI) {
    // DecimalSI stops at E (10^18). Older API servers then drop the exponent
    // altogether ("1000E" -> "1"); newer ones fall back to exponent notation,
    // which is the only form that keeps the value.
    if (const char *s = decimalSuffix(exp)) return out + s;
  }
  if (exp != 0) out += "e" + std::to_string(exp);
  return out;
}

QuantityParseResult parseQuantity(llvm::StringRef text) {
  if (text.empty()) return failure("empty quantity");

  // ParseQuantity rejects surrounding whitespace (only JSON decoding trims it).
  if (text.find_first_of(" \t\r\n\v\f") != llvm::StringRef::npos) {
    std::string squeezed;
    for (char c : text)
      if (!std::isspace(static_cast<unsigned char>(c))) squeezed += c;
    return failure("quantity " + backticked(text) + " must not contain whitespace",
                   squeezed.empty() ? "" : suggestIfValid(squeezed));
  }

  // The scanner of parseQuantityString: sign, integer digits, optional '.'
  // and fraction digits; everything after is the suffix.
  size_t i = 0;
  bool negative = false;
  if (text[0] == '+' || text[0] == '-') {
    negative = text[0] == '-';
    ++i;
  }
  size_t intStart = i;
  while (i < text.size() && isDigit(text[i])) ++i;
  llvm::StringRef intDigits = text.slice(intStart, i);
  llvm::StringRef fracDigits;
  if (i < text.size() && text[i] == '.') {
    size_t fracStart = ++i;
    while (i < text.size() && isDigit(text[i])) ++i;
    fracDigits = text.slice(fracStart, i);
  }
  llvm::StringRef number = text.take_front(i);
  llvm::StringRef suffix = text.drop_front(i);

  if (!suffix.empty() && llvm::StringRef("+-.").contains(suffix.front()))
    return failure("malformed number " + backticked(text)); // "1.5.3", "--1", "1+1"
  if (intDigits.empty() && fracDigits.empty()) {
    // Kubernetes reads a number with no digits as zero ("Mi", "+", "."),
    // which is never what was meant.
    if (lookupSuffix(suffix)) return failure("missing digits in quantity " + backticked(text));
    return failure("malformed quantity " + backticked(text));
  }
  if (suffix.startswith(",")) {
    // A decimal comma: "1,5Gi".
    std::string dotted = text.str();
    dotted[i] = '.';
    return failure("malformed number " + backticked(text), suggestIfValid(dotted));
  }

  SuffixMeaning meaning;
  if (std::optional<SuffixMeaning> fixed = lookupSuffix(suffix)) {
    meaning = *fixed;
  } else if (suffix.front() == 'e' || suffix.front() == 'E') {
    // <decimalExponent> ::= "e" <signedNumber>; suffix.go parses the part
    // after the letter with strconv.ParseInt(..., 10, 64).
    llvm::StringRef exp = suffix.drop_front(1);
    llvm::StringRef unsignedExp = exp;
    bool expNegative = false;
    if (unsignedExp.consume_front("-")) expNegative = true;
    else unsignedExp.consume_front("+");
    if (unsignedExp.empty() || unsignedExp.find_first_not_of("0123456789") != llvm::StringRef::npos) {
      // Letters after the 'E' mean a unit ("EB", "EiB"), not an exponent.
      if (exp.find_first_not_of("+-.0123456789") != llvm::StringRef::npos)
        return failure("unknown suffix " + backticked(suffix), suggestSuffix(number, suffix));
      return failure("malformed exponent " + backticked(suffix) + " in " + backticked(text));
    }
    unsignedExp = unsignedExp.ltrim('0');
    if (unsignedExp.size() > 18) return failure("exponent out of range in " + backticked(text));
    int64_t e = 0;
    for (char c : unsignedExp) e = e * 10 + (c - '0');
    meaning = SuffixMeaning{expNegative ? -e : e, 0, QuantityFormat::DecimalExponent};
  } else {
    return failure("unknown suffix " + backticked(suffix), suggestSuffix(number, suffix));
  }

  // |value| × 1000 = (intDigits fracDigits) × 10^(exp10 - len(fracDigits) + 3) × 2^exp2.
  std::string digits = intDigits.str() + fracDigits.str();
  size_t firstNonZero = digits.find_first_not_of('0');
  digits = firstNonZero == std::string::npos ? "" : digits.substr(firstNonZero);
  int64_t exp10 = meaning.exp10 - int64_t(fracDigits.size()) + 3;
  std::optional<Magnitude> mag = magnitude(digits, exp10, meaning.exp2);
  if (!mag) return failure("quantity " + backticked(text) + " is out of range (the limit is 10^35)");

  QuantityParseResult r;
  r.roundedUp = mag->inexact;
  QuantityFormat format = meaning.format;
  if (format == QuantityFormat::BinarySI) {
    // A non-zero BinarySI value below one unit becomes DecimalSI, judged on
    // the exact value (mag->milli is rounded up).
    bool belowOne = mag->milli != 0 && (mag->milli < 1000 || (mag->milli == 1000 && mag->inexact));
    if (belowOne) format = QuantityFormat::DecimalSI;
    if (mag->milli > kBinaryCapMilli) {
      mag->milli = kBinaryCapMilli;
      r.clamped = true;
      r.roundedUp = false; // whatever was below 1m is gone with the rest
    }
  }
  __int128 signedMilli = __int128(mag->milli);
  r.value = Quantity::fromMilli(negative ? -signedMilli : signedMilli, format);
  return r;
}

} // namespace rig
