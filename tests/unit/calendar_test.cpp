#include "libpipe/calendar.hpp"

#include <gtest/gtest.h>

#include <ctime>

TEST(Calendar, KnownDays) {
  EXPECT_EQ(libpipe::days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(libpipe::days_from_civil(2008, 2, 24), 13933);
  EXPECT_EQ(libpipe::days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(libpipe::days_from_civil(1969, 12, 31), -1);
}

TEST(Calendar, RoundTripsAgainstTheCLibrary) {
  for (std::int64_t day = -800000; day < 800000; day += 997) {
    auto d = libpipe::civil_from_days(day);
    EXPECT_EQ(libpipe::days_from_civil(d.year, d.month, d.day), day);
    std::time_t t = static_cast<std::time_t>(day) * 86400;
    std::tm tm{};
    gmtime_r(&t, &tm);
    ASSERT_EQ(d.year, tm.tm_year + 1900) << day;
    ASSERT_EQ(d.month, static_cast<unsigned>(tm.tm_mon + 1)) << day;
    ASSERT_EQ(d.day, static_cast<unsigned>(tm.tm_mday)) << day;
  }
}

TEST(Calendar, MonthNames) {
  EXPECT_EQ(libpipe::month_abbrev(2), "Feb");
  EXPECT_EQ(libpipe::month_abbrev(13), "");
  EXPECT_EQ(libpipe::month_from_abbrev("Dec"), 12u);
  EXPECT_EQ(libpipe::month_from_abbrev("dec"), 0u);
  EXPECT_EQ(libpipe::month_from_abbrev("Foo"), 0u);
}
