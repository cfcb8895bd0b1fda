#pragma once
// Numbers as people write them in logs and tables, read exactly. gsum adds them up; an
// integer of any size up to 38 digits and a decimal of up to 18 fraction digits are held
// without rounding (awk and Python's float would round 0.1 + 0.2), and anything beyond
// that is still read, as a double.
//
//   libpipe::Number n;
//   libpipe::parse_number("-12.50", n);   // true: negative, integer 12, fraction .50, scale 2
//   libpipe::parse_number("1e3", n);      // true: integer 1000, scale 0
//   libpipe::parse_number("12abc", n);    // false: not a number
//   std::string s; libpipe::append_number(s, n);   // "1000"

#include <cstdint>
#include <string>
#include <string_view>

namespace libpipe {

__extension__ typedef unsigned __int128 uint128;
__extension__ typedef __int128 int128;

// Units of the fraction: a fraction is held as a count of 10^-18.
inline constexpr std::uint64_t fraction_unit = 1000000000000000000ull;
inline constexpr int max_fraction_digits = 18;

struct Number {
  bool negative = false;
  // True when integer + fraction hold the value exactly; else only `approx` does.
  bool exact = true;
  uint128 integer = 0;         // the integer part, without sign
  std::uint64_t fraction = 0;  // the fraction part, in units of 10^-18, below fraction_unit
  // Fraction digits the value was written with (after any exponent): "1.50" has 2, "15e-1" 1.
  std::uint8_t scale = 0;
  double approx = 0;  // the value as a double, always set
};

// Reads a whole text as a decimal number: optional sign, digits with an optional '.' and
// fraction, an optional exponent (e or E). At least one digit. No spaces, no hex, no
// thousands separators, no "nan" or "inf". False when the text is not such a number.
bool parse_number(std::string_view text, Number& out) noexcept;

// Appends the number as plain decimal text, never with an exponent: exact values with their
// `scale` fraction digits, others as the shortest text that reads back as the same double.
void append_number(std::string& out, const Number& n);

// Appends a double as the shortest plain decimal that reads back as the same double
// ("0.1", "1500000000000000000000", "-0.000001"); "nan", "inf" and "-inf" when not finite.
void append_plain_double(std::string& out, double v);

// Appends the digits of an unsigned 128-bit integer.
void append_uint128(std::string& out, uint128 v);

// Exact comparison: negative, zero or positive as a < b, a == b, a > b.
int compare(const Number& a, const Number& b) noexcept;

}  // namespace libpipe
