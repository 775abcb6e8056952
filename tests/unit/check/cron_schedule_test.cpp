#include "compiler/check/cron_schedule.h"

#include <gtest/gtest.h>

using rig::sema::validateCronSchedule;
using rig::sema::validateTimeZoneName;

TEST(CronSchedule, AcceptsWhatTheControllerAccepts) {
  for (const char *s : {"* * * * *", "0 0 * * *", "*/5 * * * *", "0 9-17 * * MON-FRI", "0 0 1,15 * ?", "5/10 * * jan,DEC 0",
                        "@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually", "@every 1h30m",
                        "0  0\t* * *", "59 23 31 12 6"})
    EXPECT_EQ(validateCronSchedule(s), "") << s;
}

TEST(CronSchedule, RejectsWhatTheControllerRejects) {
  for (const char *s : {"", "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 7",
                        "5-1 * * * *", "*/0 * * * *", "1-2-3 * * * *", "a * * * *", "@reboot", "@every", "@every 5x",
                        "TZ=UTC * * * * *", "-1 * * * *", "1/2/3 * * * *"})
    EXPECT_NE(validateCronSchedule(s), "") << s;
}

TEST(CronSchedule, TimeZoneNames) {
  EXPECT_EQ(validateTimeZoneName("Europe/Berlin"), "");
  EXPECT_EQ(validateTimeZoneName("Etc/GMT+5"), "");
  EXPECT_EQ(validateTimeZoneName("UTC"), "");
  EXPECT_NE(validateTimeZoneName("Local"), "");
  EXPECT_NE(validateTimeZoneName("Europe Berlin"), "");
  EXPECT_NE(validateTimeZoneName("../etc/passwd"), "");
}
