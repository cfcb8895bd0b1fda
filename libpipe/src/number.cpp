#include "libpipe/number.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace libpipe {

namespace {

bool is_digit(char c) noexcept { return static_cast<unsigned char>(c - '0') < 10; }

constexpr int max_integer_digits = 38;  // 10^38 - 1 < 2^128

// The value of text (which parse_number has checked) as a double, correctly rounded.
double to_double(std::string_view text, bool negative) noexcept {
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) text.remove_prefix(1);
  double v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec == std::errc::result_out_of_range) {
    // Too large or too small for a double: which one is in the exponent.
    auto e = text.find_first_of("eE");
    bool huge = e == std::string_view::npos || e + 1 >= text.size() || text[e + 1] != '-';
    v = huge ? std::numeric_limits<double>::infinity() : 0.0;
  }
  return negative ? -v : v;
}

}  // namespace

bool parse_number(std::string_view t, Number& out) noexcept {
  std::size_t i = 0, n = t.size();
  bool negative = false;
  if (i < n && (t[i] == '+' || t[i] == '-')) negative = t[i++] == '-';
  std::size_t int_begin = i;
  while (i < n && is_digit(t[i])) ++i;
  std::string_view int_digits = t.substr(int_begin, i - int_begin);
  std::string_view frac_digits;
  if (i < n && t[i] == '.') {
    std::size_t frac_begin = ++i;
    while (i < n && is_digit(t[i])) ++i;
    frac_digits = t.substr(frac_begin, i - frac_begin);
  }
  if (int_digits.empty() && frac_digits.empty()) return false;
  long exponent = 0;
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < n && (t[i] == '+' || t[i] == '-')) exp_negative = t[i++] == '-';
    std::size_t exp_begin = i;
    while (i < n && is_digit(t[i])) {
      if (exponent < 1000000) exponent = exponent * 10 + (t[i] - '0');  // beyond: clamped
      ++i;
    }
    if (i == exp_begin) return false;
    if (exp_negative) exponent = -exponent;
  }
  if (i != n) return false;

  // The digits D = int_digits + frac_digits, with the decimal point `point` digits in.
  const long len = static_cast<long>(int_digits.size() + frac_digits.size());
  const long point = static_cast<long>(int_digits.size()) + exponent;
  auto digit = [&](long k) -> unsigned {
    if (k < 0 || k >= len) return 0;
    auto u = static_cast<std::size_t>(k);
    return static_cast<unsigned>(u < int_digits.size() ? int_digits[u] - '0'
                                                       : frac_digits[u - int_digits.size()] - '0');
  };

  Number r;
  r.negative = negative;
  uint128 integer = 0;
  int significant = 0;
  for (long k = 0; k < std::min(point, len) && r.exact; ++k) {
    unsigned d = digit(k);
    if (significant == 0 && d == 0) continue;
    if (++significant > max_integer_digits) r.exact = false;
    integer = integer * 10 + d;
  }
  if (r.exact && point > len && integer != 0) {  // trailing zeros of a positive exponent
    if (significant + (point - len) > max_integer_digits) {
      r.exact = false;
    } else {
      for (long z = point - len; z > 0; --z) integer *= 10;
    }
  }
  std::uint64_t fraction = 0;
  for (long j = 0; j < max_fraction_digits; ++j) fraction = fraction * 10 + digit(point + j);
  // Digits beyond the 18th must all be zero for the value to be exact.
  for (long k = std::max(point + max_fraction_digits, 0L); k < len && r.exact; ++k) {
    if (digit(k) != 0) r.exact = false;
  }
  long scale = static_cast<long>(frac_digits.size()) - exponent;
  r.scale = static_cast<std::uint8_t>(std::clamp(scale, 0L, static_cast<long>(max_fraction_digits)));
  if (r.exact) {
    r.integer = integer;
    r.fraction = fraction;
    r.approx = static_cast<double>(integer) + static_cast<double>(fraction) / 1e18;
    if (negative) r.approx = -r.approx;
  } else {
    r.approx = to_double(t, negative);
  }
  out = r;
  return true;
}

void append_uint128(std::string& out, uint128 v) {
  char buf[40];
  char* p = buf + sizeof buf;
  do {
    *--p = static_cast<char>('0' + static_cast<unsigned>(v % 10));
    v /= 10;
  } while (v != 0);
  out.append(p, static_cast<std::size_t>(buf + sizeof buf - p));
}

void append_plain_double(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "nan";
    return;
  }
  if (std::isinf(v)) {
    out += v < 0 ? "-inf" : "inf";
    return;
  }
  if (v == 0) {
    out += '0';  // and never "-0"
    return;
  }
  // The shortest digits that read back as v, from the scientific form ("-1.2345e+20"),
  // then written out plainly, since an exponent would break `sort -n` and most scripts.
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(r.ptr - buf));
  if (sci[0] == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  auto e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::from_chars(sci.data() + e + (sci[e + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exponent);
  // The value is 0.DIGITS times 10^(exponent + 1).
  const int point = exponent + 1;
  const int n = static_cast<int>(digits.size());
  if (point <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-point), '0');
    out += digits;
  } else if (point >= n) {
    out += digits;
    out.append(static_cast<std::size_t>(point - n), '0');
  } else {
    out.append(digits, 0, static_cast<std::size_t>(point));
    out += '.';
    out.append(digits, static_cast<std::size_t>(point), std::string::npos);
  }
}

void append_number(std::string& out, const Number& n) {
  if (!n.exact) {
    append_plain_double(out, n.approx);
    return;
  }
  if (n.negative && (n.integer != 0 || n.fraction != 0)) out += '-';
  append_uint128(out, n.integer);
  if (n.scale > 0) {
    out += '.';
    char digits[max_fraction_digits];
    std::uint64_t f = n.fraction;
    for (int j = max_fraction_digits - 1; j >= 0; --j) {
      digits[j] = static_cast<char>('0' + f % 10);
      f /= 10;
    }
    out.append(digits, n.scale);
  }
}

int compare(const Number& a, const Number& b) noexcept {
  if (!a.exact || !b.exact) return a.approx < b.approx ? -1 : (a.approx > b.approx ? 1 : 0);
  bool a_zero = a.integer == 0 && a.fraction == 0, b_zero = b.integer == 0 && b.fraction == 0;
  int sa = a_zero ? 0 : (a.negative ? -1 : 1), sb = b_zero ? 0 : (b.negative ? -1 : 1);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  int magnitude = a.integer != b.integer ? (a.integer < b.integer ? -1 : 1)
                  : a.fraction != b.fraction ? (a.fraction < b.fraction ? -1 : 1)
                                             : 0;
  return sa < 0 ? -magnitude : magnitude;
}

}  // namespace libpipe
