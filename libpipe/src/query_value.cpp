#include "libpipe/query_value.hpp"

#include <charconv>
#include <cmath>
#include <cstring>

#include "libpipe/json_writer.hpp"

namespace libpipe::query {

std::optional<Value> number_from_string(std::string_view s) {
  if (s.empty() || s.size() > 400) return std::nullopt;
  const char* b = s.data();
  const char* e = b + s.size();
  const char* digits = (*b == '-' || *b == '+') ? b + 1 : b;
  if (digits == e) return std::nullopt;
  long long ll = 0;
  auto [p, ec] = std::from_chars(*b == '+' ? b + 1 : b, e, ll);
  if (ec == std::errc() && p == e) return Value::integer(ll);
  // Integers beyond 64 bits and decimals: a double, but only if the whole text is a number.
  for (const char* q = digits; q != e; ++q) {
    char c = *q;
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+')) {
      return std::nullopt;
    }
  }
  if (*digits < '0' || *digits > '9') {
    if (!(*digits == '.' && digits + 1 != e && digits[1] >= '0' && digits[1] <= '9')) return std::nullopt;
  }
  double d = 0;
  auto [p2, ec2] = std::from_chars(*b == '+' ? b + 1 : b, e, d);
  if (ec2 != std::errc() || p2 != e) return std::nullopt;
  return Value::real(d);
}

namespace {

int rank(Type t) {
  switch (t) {
    case Type::null: return 0;
    case Type::boolean: return 1;
    case Type::integer:
    case Type::real: return 2;
    case Type::string: return 3;
    case Type::json: return 4;
  }
  return 5;
}

template <class T>
int sign(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// An integer against a double, exactly (no rounding of large integers).
int compare_int_real(int128 i, double d) {
  if (std::isnan(d)) return 1;  // NaN never comes from JSON; keep the order total anyway
  if (d >= 1.7e38) return -1;
  if (d <= -1.7e38) return 1;
  double fl = std::floor(d);
  int128 di = static_cast<int128>(fl);
  if (i != di) return sign(i, di);
  return fl < d ? -1 : 0;
}

int compare_numbers(const Value& a, const Value& b) {
  if (a.type == Type::integer && b.type == Type::integer) return sign(a.i, b.i);
  if (a.type == Type::integer) return compare_int_real(a.i, b.d);
  if (b.type == Type::integer) return -compare_int_real(b.i, a.d);
  if (std::isnan(a.d) || std::isnan(b.d)) return sign(std::isnan(a.d), std::isnan(b.d));
  return sign(a.d, b.d);
}

int compare_bytes(std::string_view a, std::string_view b) {
  std::size_t n = std::min(a.size(), b.size());
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c < 0 ? -1 : 1;
  return sign(a.size(), b.size());
}

}  // namespace

int compare_for_order(const Value& a, const Value& b) {
  int ra = rank(a.type), rb = rank(b.type);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a.type) {
    case Type::null: return 0;
    case Type::boolean: return sign(a.b, b.b);
    case Type::integer:
    case Type::real: return compare_numbers(a, b);
    case Type::string:
    case Type::json: return compare_bytes(a.s, b.s);
  }
  return 0;
}

std::optional<int> compare_sql(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  if (a.is_number() && b.type == Type::string) {
    if (auto n = number_from_string(b.s)) return compare_numbers(a, *n);
  } else if (a.type == Type::string && b.is_number()) {
    if (auto n = number_from_string(a.s)) return compare_numbers(*n, b);
  }
  return compare_for_order(a, b);
}

bool same_value(const Value& a, const Value& b) { return compare_for_order(a, b) == 0; }

void append_key(std::string& out, const Value& v) {
  switch (v.type) {
    case Type::null: out += 'n'; return;
    case Type::boolean: out += v.b ? 't' : 'f'; return;
    case Type::integer:
    case Type::real: {
      // Integral doubles share the integer's key, so 1 and 1.0 are one group.
      if (v.type == Type::real && !(std::floor(v.d) == v.d && std::fabs(v.d) < 1e38)) {
        out += 'd';
        char buf[sizeof(double)];
        double d = v.d == 0 ? 0.0 : v.d;
        std::memcpy(buf, &d, sizeof d);
        out.append(buf, sizeof buf);
        return;
      }
      int128 i = v.type == Type::integer ? v.i : static_cast<int128>(v.d);
      out += 'i';
      char buf[sizeof(int128)];
      std::memcpy(buf, &i, sizeof i);
      out.append(buf, sizeof buf);
      return;
    }
    case Type::string:
    case Type::json: {
      out += v.type == Type::string ? 's' : 'j';
      std::uint32_t n = static_cast<std::uint32_t>(v.s.size());
      char buf[sizeof n];
      std::memcpy(buf, &n, sizeof n);
      out.append(buf, sizeof buf);
      out += v.s;
      return;
    }
  }
}

void append_int128(std::string& out, int128 v) {
  if (v >= INT64_MIN && v <= INT64_MAX) {
    append_json_integer(out, static_cast<std::int64_t>(v));
    return;
  }
  char buf[48];
  char* p = buf + sizeof buf;
  bool negative = v < 0;
  // Digits of the magnitude, taken one at a time from the (possibly negative) value.
  do {
    int digit = static_cast<int>(v % 10);
    *--p = static_cast<char>('0' + (digit < 0 ? -digit : digit));
    v /= 10;
  } while (v != 0);
  if (negative) *--p = '-';
  out.append(p, buf + sizeof buf);
}

void append_json_value(std::string& out, const Value& v) {
  switch (v.type) {
    case Type::null: out += "null"; return;
    case Type::boolean: out += v.b ? "true" : "false"; return;
    case Type::integer: append_int128(out, v.i); return;
    case Type::real: append_json_number(out, v.d); return;
    case Type::string: append_json_string(out, v.s); return;
    case Type::json: out += v.s; return;
  }
}

void append_text_value(std::string& out, const Value& v) {
  switch (v.type) {
    case Type::null: return;
    case Type::string: out += v.s; return;
    default: append_json_value(out, v);
  }
}

}  // namespace libpipe::query
