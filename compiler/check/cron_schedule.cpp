#include "compiler/check/cron_schedule.h"

#include <fmt/format.h>

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

namespace rig::sema {

namespace {

struct FieldBounds {
  const char *name;
  int min, max;
  const char *const *names; // accepted 3-letter names, index = value - min; may be null
};

const char *const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
const char *const kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

const FieldBounds kFields[] = {
    {"minute", 0, 59, nullptr}, {"hour", 0, 23, nullptr}, {"day of month", 1, 31, nullptr},
    {"month", 1, 12, kMonths},  {"day of week", 0, 6, kDays},
};

// A number or (month, day of week) a name; "" on success.
std::string parseValue(llvm::StringRef text, const FieldBounds &f, int &out) {
  if (f.names) {
    std::string lower = text.lower();
    for (int i = 0; i <= f.max - f.min; ++i)
      if (lower == f.names[i]) {
        out = f.min + i;
        return "";
      }
  }
  if (text.startswith("-") && text.size() > 1 && llvm::all_of(text.drop_front(), llvm::isDigit))
    return fmt::format("negative number `{}` in the {} field", text.str(), f.name);
  if (text.empty() || text.size() > 9 || !llvm::all_of(text, llvm::isDigit))
    return fmt::format("`{}` is not a number{} in the {} field", text.str(), f.names ? " or a name" : "", f.name);
  out = std::stoi(text.str());
  return "";
}

std::string validateField(llvm::StringRef field, const FieldBounds &f) {
  llvm::SmallVector<llvm::StringRef, 8> parts;
  field.split(parts, ',', -1, true);
  for (llvm::StringRef part : parts) {
    auto [rangeText, stepText] = part.split('/');
    bool hasStep = part.contains('/');
    if (hasStep) {
      if (stepText.contains('/')) return fmt::format("too many slashes in `{}`", part.str());
      if (stepText.empty() || !llvm::all_of(stepText, llvm::isDigit) || stepText.size() > 9)
        return fmt::format("step `{}` is not a number in the {} field", stepText.str(), f.name);
      if (std::stoi(stepText.str()) == 0) return fmt::format("step of `{}` must be a positive number", part.str());
    }
    int lo = f.min, hi = f.max;
    if (rangeText != "*" && rangeText != "?") {
      llvm::SmallVector<llvm::StringRef, 3> ends;
      rangeText.split(ends, '-', -1, true);
      // A leading '-' is a negative number, not a range.
      if (rangeText.startswith("-")) ends = {rangeText};
      if (ends.size() > 2) return fmt::format("too many hyphens in `{}`", rangeText.str());
      if (auto err = parseValue(ends[0], f, lo); !err.empty()) return err;
      hi = lo;
      if (ends.size() == 2) {
        if (auto err = parseValue(ends[1], f, hi); !err.empty()) return err;
      } else if (hasStep) {
        hi = f.max; // `5/15` means 5-max/15
      }
      if (lo < f.min) return fmt::format("{} {} is below the minimum {}", f.name, lo, f.min);
      if (hi > f.max) return fmt::format("{} {} is above the maximum {}", f.name, hi, f.max);
      if (lo > hi) return fmt::format("{} range `{}` starts after it ends", f.name, rangeText.str());
    }
  }
  return "";
}

// Go's time.ParseDuration, enough for `@every`: e.g. 1h30m, 90s, 1.5h.
bool isGoDuration(llvm::StringRef s) {
  if (s.empty()) return false;
  if (s == "0") return true;
  static const char *const units[] = {"ns", "us", "µs", "ms", "s", "m", "h"};
  while (!s.empty()) {
    size_t n = 0;
    while (n < s.size() && (llvm::isDigit(s[n]) || s[n] == '.')) ++n;
    if (n == 0) return false;
    s = s.drop_front(n);
    bool matched = false;
    for (const char *u : units) // longest first is not needed: "ms" before "m" and "s"
      if (s.startswith(u) && !(llvm::StringRef(u) == "m" && s.startswith("ms"))) {
        s = s.drop_front(llvm::StringRef(u).size());
        matched = true;
        break;
      }
    if (!matched) return false;
  }
  return true;
}

} // namespace

std::string validateCronSchedule(llvm::StringRef schedule) {
  llvm::StringRef s = schedule.trim();
  if (s.empty()) return "the schedule is empty";
  if (s.contains("TZ")) return "a time zone in the schedule (`TZ=` or `CRON_TZ=`) is rejected; use `time_zone` instead";
  if (s.startswith("@")) {
    static const llvm::StringRef macros[] = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"};
    for (llvm::StringRef m : macros)
      if (s == m) return "";
    if (s.startswith("@every ")) {
      llvm::StringRef d = s.drop_front(7).trim();
      if (!isGoDuration(d)) return fmt::format("`{}` is not a duration such as `1h30m`", d.str());
      return "";
    }
    return "unknown macro; expected @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>";
  }
  llvm::SmallVector<llvm::StringRef, 6> fields;
  s.split(fields, ' ', -1, false);
  // Tabs and repeated spaces separate fields too.
  llvm::SmallVector<llvm::StringRef, 6> words;
  for (llvm::StringRef f : fields) {
    llvm::SmallVector<llvm::StringRef, 2> sub;
    f.split(sub, '\t', -1, false);
    words.append(sub.begin(), sub.end());
  }
  if (words.size() != 5)
    return fmt::format("expected 5 fields (minute hour day-of-month month day-of-week), found {}", words.size());
  for (size_t i = 0; i < 5; ++i)
    if (auto err = validateField(words[i], kFields[i]); !err.empty()) return err;
  return "";
}

std::string validateTimeZoneName(llvm::StringRef tz) {
  if (tz.empty()) return "it is empty";
  if (tz.equals_insensitive("Local")) return "`Local` is the controller's own zone; name an explicit IANA zone such as `Europe/Berlin`";
  if (tz.size() > 255) return "it is too long";
  if (tz.startswith("/") || tz.endswith("/") || tz.contains("//") || tz.contains(".."))
    return "it is not an IANA zone name such as `Europe/Berlin` or `UTC`";
  for (char c : tz)
    if (!(llvm::isAlnum(c) || c == '/' || c == '_' || c == '-' || c == '+'))
      return fmt::format("character `{}` cannot appear in an IANA zone name such as `Europe/Berlin`", c);
  return "";
}

} // namespace rig::sema
