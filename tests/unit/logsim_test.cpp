#include "libpipe/logsim.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>

TEST(LogSimulator, SameSeedSameLines) {
  libpipe::LogSimulator a({.seed = 3}), b({.seed = 3}), c({.seed = 4});
  std::string la, lb, lc;
  for (int i = 0; i < 200; ++i) {
    a.append_line(la);
    b.append_line(lb);
    c.append_line(lc);
  }
  EXPECT_EQ(la, lb);
  EXPECT_NE(la, lc);
}

TEST(LogSimulator, LinesAreCommonOrCombinedLogFormat) {
  const std::regex common(R"re(^\S+ \S+ \S+ \[\d\d/[A-Z][a-z][a-z]/\d{4}:\d\d:\d\d:\d\d [-+]\d{4}\] "\S+ \S+ \S+" \d{3} (\d+|-))re");
  const std::regex combined(R"re(^\S+ \S+ \S+ \[[^\]]+\] "\S+ \S+ \S+" \d{3} (\d+|-) "[^"]*" "[^"]*"$)re");
  libpipe::LogSimulator sim({.seed = 1, .format = libpipe::LogFormat::common});
  libpipe::LogSimulator sim2({.seed = 1, .format = libpipe::LogFormat::combined});
  for (int i = 0; i < 2000; ++i) {
    std::string line;
    sim.append_line(line);
    ASSERT_EQ(line.back(), '\n');
    line.pop_back();
    ASSERT_TRUE(std::regex_match(line, std::regex(std::string(R"re(^\S+ \S+ \S+ \[[^\]]+\] "\S+ \S+ \S+" \d{3} (\d+|-)$)re")))) << line;
    ASSERT_TRUE(std::regex_search(line, common)) << line;
    std::string line2;
    sim2.append_line(line2);
    line2.pop_back();
    ASSERT_TRUE(std::regex_match(line2, combined)) << line2;
  }
}

TEST(LogSimulator, FirstLineCarriesTheStartTime) {
  libpipe::LogSimulator sim({.seed = 1, .start_time = 1203832800.0, .utc_offset_minutes = -360});
  std::string line;
  sim.append_line(line);
  EXPECT_NE(line.find("[24/Feb/2008:00:00:00 -0600]"), std::string::npos) << line;
  sim.set_time(0);
  line.clear();
  sim.append_line(line);
  EXPECT_NE(line.find("[31/Dec/1969:18:00:00 -0600]"), std::string::npos) << line;
}

TEST(LogSimulator, TimeMovesForward) {
  libpipe::LogSimulator sim({.seed = 1});
  std::string line;
  double before = sim.time();
  for (int i = 0; i < 100; ++i) sim.append_line(line);
  EXPECT_GT(sim.time(), before);
}

TEST(LogSimulator, DamagedLinesOnlyWhenAsked) {
  const std::regex shape(R"re(^\S+ \S+ \S+ \[[^\]]+\] "\S+ \S+ \S+" \d{3} (\d+|-))re");
  libpipe::LogSimulator clean({.seed = 5}), damaged({.seed = 5, .malformed_rate = 0.5});
  int bad_clean = 0, bad_damaged = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string a, b;
    clean.append_line(a);
    damaged.append_line(b);
    ASSERT_EQ(b.back(), '\n');
    ASSERT_EQ(b.find('\n'), b.size() - 1) << "one line at a time";
    bad_clean += !std::regex_search(a, shape);
    bad_damaged += !std::regex_search(b, shape);
  }
  EXPECT_EQ(bad_clean, 0);
  EXPECT_GT(bad_damaged, 300);
  EXPECT_LT(bad_damaged, 700);
}
