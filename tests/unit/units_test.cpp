#include "libpipe/units.hpp"

#include <gtest/gtest.h>

#include "libpipe/error.hpp"

TEST(Units, Sizes) {
  EXPECT_EQ(libpipe::parse_size("0"), 0u);
  EXPECT_EQ(libpipe::parse_size("123"), 123u);
  EXPECT_EQ(libpipe::parse_size("10c"), 10u);
  EXPECT_EQ(libpipe::parse_size("1k"), 1024u);
  EXPECT_EQ(libpipe::parse_size("2K"), 2048u);
  EXPECT_EQ(libpipe::parse_size("10M"), 10u << 20);
  EXPECT_EQ(libpipe::parse_size("1G"), 1u << 30);
  EXPECT_EQ(libpipe::parse_size("1GB"), 1u << 30);
  EXPECT_EQ(libpipe::parse_size("1GiB"), 1u << 30);
  EXPECT_EQ(libpipe::parse_size("2T"), 2ull << 40);
}

TEST(Units, BadSizesNameTheText) {
  EXPECT_THROW(libpipe::parse_size(""), libpipe::Error);
  EXPECT_THROW(libpipe::parse_size("M"), libpipe::Error);
  EXPECT_THROW(libpipe::parse_size("-1"), libpipe::Error);
  EXPECT_THROW(libpipe::parse_size("99999999999999999999"), libpipe::Error);
  EXPECT_THROW(libpipe::parse_size("99999999999T"), libpipe::Error);
  try {
    libpipe::parse_size("12Q");
  } catch (const libpipe::Error& e) {
    EXPECT_EQ(std::string(e.what()), "size '12Q': unknown unit (use k, M, G or T)");
  }
}

TEST(Units, Durations) {
  EXPECT_DOUBLE_EQ(libpipe::parse_duration("5"), 5);
  EXPECT_DOUBLE_EQ(libpipe::parse_duration("0.25"), 0.25);
  EXPECT_DOUBLE_EQ(libpipe::parse_duration("90s"), 90);
  EXPECT_DOUBLE_EQ(libpipe::parse_duration("5m"), 300);
  EXPECT_DOUBLE_EQ(libpipe::parse_duration("2h"), 7200);
  EXPECT_DOUBLE_EQ(libpipe::parse_duration("3d"), 259200);
  EXPECT_DOUBLE_EQ(libpipe::parse_duration("1w"), 604800);
  EXPECT_THROW(libpipe::parse_duration("soon"), libpipe::Error);
  EXPECT_THROW(libpipe::parse_duration("3y"), libpipe::Error);
  EXPECT_THROW(libpipe::parse_duration("-1"), libpipe::Error);
}
