// TEMPORARY minimal implementation (to be replaced by the full one).
#include "compiler/base/quantity.h"

namespace rig {

static std::string toString(__int128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  if (neg) v = -v;
  std::string s;
  while (v > 0) { s.insert(s.begin(), char('0' + int(v % 10))); v /= 10; }
  return neg ? "-" + s : s;
}

std::string Quantity::canonical() const {
  __int128 m = milli;
  bool neg = m < 0;
  __int128 a = neg ? -m : m;
  std::string sign = neg ? "-" : "";
  if (a % 1000 != 0) return sign + toString(a) + "m";
  __int128 v = a / 1000;
  if (format == QuantityFormat::BinarySI && v != 0) {
    static const char *suf[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    int k = 0;
    while (k < 6 && v % 1024 == 0) { v /= 1024; ++k; }
    return sign + toString(v) + suf[k];
  }
  static const char *suf[] = {"", "k", "M", "G", "T", "P", "E"};
  int k = 0;
  while (k < 6 && v != 0 && v % 1000 == 0) { v /= 1000; ++k; }
  return sign + toString(v) + suf[k];
}

QuantityParseResult parseQuantity(llvm::StringRef text) {
  QuantityParseResult r;
  llvm::StringRef t = text;
  bool neg = t.consume_front("-");
  if (!neg) t.consume_front("+");
  size_t digits = t.find_first_not_of("0123456789.");
  llvm::StringRef num = t.substr(0, digits), suffix = digits == llvm::StringRef::npos ? "" : t.substr(digits);
  if (num.empty() || num.count('.') > 1 || num.front() == '.' || num.back() == '.') {
    r.error = "malformed number `" + num.str() + "`";
    return r;
  }
  auto [ip, fp] = num.split('.');
  __int128 scaleNum = 1, scaleDen = 1;
  QuantityFormat fmt = QuantityFormat::DecimalSI;
  static const std::pair<const char *, int> dec[] = {{"n", -9}, {"u", -6}, {"m", -3}, {"", 0}, {"k", 3}, {"M", 6}, {"G", 9}, {"T", 12}, {"P", 15}, {"E", 18}};
  static const std::pair<const char *, int> bin[] = {{"Ki", 10}, {"Mi", 20}, {"Gi", 30}, {"Ti", 40}, {"Pi", 50}, {"Ei", 60}};
  bool found = false;
  for (auto &[s, e] : dec)
    if (suffix == s) {
      found = true;
      for (int i = 0; i < (e < 0 ? -e : e); ++i) (e < 0 ? scaleDen : scaleNum) *= 10;
    }
  for (auto &[s, e] : bin)
    if (suffix == s) {
      found = true;
      fmt = QuantityFormat::BinarySI;
      scaleNum = (__int128)1 << e;
    }
  if (!found) {
    r.error = "unknown suffix `" + suffix.str() + "`";
    if (suffix.size() == 2 && suffix.back() == 'B')
      r.suggestion = "did you mean `" + ip.str() + suffix.substr(0, 1).str() + "i` (binary) or `" + ip.str() + suffix.substr(0, 1).str() + "` (decimal)?";
    return r;
  }
  __int128 mant = 0, fracDen = 1;
  for (char c : ip) { mant = mant * 10 + (c - '0'); if (mant > ((__int128)1 << 100)) { r.error = "too large"; return r; } }
  for (char c : fp) { mant = mant * 10 + (c - '0'); fracDen *= 10; if (fracDen > ((__int128)1 << 60)) break; }
  __int128 num1000 = mant * scaleNum * 1000, den = fracDen * scaleDen;
  __int128 m = num1000 / den;
  if (num1000 % den != 0) { ++m; r.roundedUp = true; }
  Quantity q{neg ? -m : m, fmt};
  r.value = q;
  return r;
}

} // namespace rig
