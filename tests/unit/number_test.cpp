#include "libpipe/number.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace {

// parse_number then append_number: the canonical text, or "NaN!" when not a number.
std::string round_trip(std::string_view text) {
  libpipe::Number n;
  if (!libpipe::parse_number(text, n)) return "NaN!";
  std::string out;
  libpipe::append_number(out, n);
  return out;
}

std::string plain(double v) {
  std::string out;
  libpipe::append_plain_double(out, v);
  return out;
}

}  // namespace

TEST(Number, Integers) {
  EXPECT_EQ(round_trip("0"), "0");
  EXPECT_EQ(round_trip("12345"), "12345");
  EXPECT_EQ(round_trip("+7"), "7");
  EXPECT_EQ(round_trip("-7"), "-7");
  EXPECT_EQ(round_trip("007"), "7");
  EXPECT_EQ(round_trip("-0"), "0");
  EXPECT_EQ(round_trip("18446744073709551616"), "18446744073709551616");  // 2^64
  EXPECT_EQ(round_trip("99999999999999999999999999999999999999"), "99999999999999999999999999999999999999");
}

TEST(Number, DecimalsKeepTheirScale) {
  EXPECT_EQ(round_trip("1.50"), "1.50");
  EXPECT_EQ(round_trip("-0.001"), "-0.001");
  EXPECT_EQ(round_trip(".5"), "0.5");
  EXPECT_EQ(round_trip("5."), "5");
  EXPECT_EQ(round_trip("0.123456789012345678"), "0.123456789012345678");
  libpipe::Number n;
  ASSERT_TRUE(libpipe::parse_number("12.25", n));
  EXPECT_TRUE(n.exact);
  EXPECT_EQ(n.integer, 12u);
  EXPECT_EQ(n.fraction, 250000000000000000u);
  EXPECT_EQ(n.scale, 2);
  EXPECT_DOUBLE_EQ(n.approx, 12.25);
}

TEST(Number, ExponentsAreExactWhenTheyCanBe) {
  EXPECT_EQ(round_trip("1e3"), "1000");
  EXPECT_EQ(round_trip("1.5E+2"), "150");
  EXPECT_EQ(round_trip("15e-1"), "1.5");
  EXPECT_EQ(round_trip("1e-18"), "0.000000000000000001");
  EXPECT_EQ(round_trip("0e999999"), "0");
}

TEST(Number, BeyondExactnessIsADouble) {
  libpipe::Number n;
  ASSERT_TRUE(libpipe::parse_number("0.1234567890123456789", n));  // 19 fraction digits
  EXPECT_FALSE(n.exact);
  EXPECT_DOUBLE_EQ(n.approx, 0.1234567890123456789);
  ASSERT_TRUE(libpipe::parse_number("1.0000000000000000000", n));  // zeros beyond: still exact
  EXPECT_TRUE(n.exact);
  ASSERT_TRUE(libpipe::parse_number("123456789012345678901234567890123456789", n));  // 39 digits
  EXPECT_FALSE(n.exact);
  EXPECT_EQ(round_trip("1e300").size(), 301u);  // never an exponent in the output
  ASSERT_TRUE(libpipe::parse_number("1e999", n));
  EXPECT_TRUE(std::isinf(n.approx));
  ASSERT_TRUE(libpipe::parse_number("-1e-999", n));
  EXPECT_EQ(n.approx, 0.0);
}

TEST(Number, NotNumbers) {
  for (const char* t : {"", "-", "+", ".", "abc", "12abc", "1,234", "0x1F", "nan", "inf", "1e", "1e+", " 1", "1 ",
                        "1.2.3", "--1", "1_000", "e5"}) {
    libpipe::Number n;
    EXPECT_FALSE(libpipe::parse_number(t, n)) << t;
  }
}

TEST(Number, PlainDoublesAreShortestAndNeverExponents) {
  EXPECT_EQ(plain(0.1), "0.1");
  EXPECT_EQ(plain(-0.0), "0");
  EXPECT_EQ(plain(5.00005e14), "500005000000000");
  EXPECT_EQ(plain(1.5e-7), "0.00000015");
  EXPECT_EQ(plain(1e21), "1000000000000000000000");
  EXPECT_EQ(plain(123.456), "123.456");
  EXPECT_EQ(plain(std::numeric_limits<double>::infinity()), "inf");
}

TEST(Number, CompareIsExact) {
  libpipe::Number a, b;
  auto cmp = [&](const char* x, const char* y) {
    EXPECT_TRUE(libpipe::parse_number(x, a));
    EXPECT_TRUE(libpipe::parse_number(y, b));
    return libpipe::compare(a, b);
  };
  EXPECT_LT(cmp("1", "2"), 0);
  EXPECT_GT(cmp("-1", "-2"), 0);
  EXPECT_EQ(cmp("-0", "0"), 0);
  EXPECT_EQ(cmp("1.50", "1.5"), 0);
  EXPECT_LT(cmp("9007199254740992", "9007199254740993"), 0);  // equal as doubles
  EXPECT_LT(cmp("-0.5", "0.25"), 0);
}
