#pragma once
// Civil dates without a locale, a time zone database or mktime: the day arithmetic of
// Howard Hinnant's "chrono-compatible low-level date algorithms", which log formatters
// and parsers can afford on every line.
//
//   auto days = libpipe::days_from_civil(2008, 2, 24);      // 13933
//   libpipe::CivilDate d = libpipe::civil_from_days(13933); // {2008, 2, 24}

#include <cstdint>
#include <string_view>

namespace libpipe {

struct CivilDate {
  int year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// Days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t days_from_civil(int year, unsigned month, unsigned day) noexcept;
CivilDate civil_from_days(std::int64_t days) noexcept;

// "Jan" … "Dec" for 1..12.
std::string_view month_abbrev(unsigned month) noexcept;
// 1..12 for "Jan" … "Dec" (exact case, as Apache and nginx write them), 0 otherwise.
unsigned month_from_abbrev(std::string_view name) noexcept;

}  // namespace libpipe
