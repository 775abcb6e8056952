// Cron schedules as the CronJob controller parses them (robfig/cron's
// standard parser): five fields or a macro such as `@hourly`.
#pragma once

#include <string>

#include "llvm/ADT/StringRef.h"

namespace rig::sema {

// "" when `schedule` is valid; otherwise why not, in the parser's terms.
std::string validateCronSchedule(llvm::StringRef schedule);

// "" when `tz` can be a CronJob time zone; checks the IANA name's form only
// (which zones exist depends on the cluster's tz database).
std::string validateTimeZoneName(llvm::StringRef tz);

} // namespace rig::sema
