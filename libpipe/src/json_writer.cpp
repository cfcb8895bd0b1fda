#include "libpipe/json_writer.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace libpipe {

namespace {

// 1 for the bytes that cannot be copied as they are: controls, '"', '\\' and every
// byte of a multi-byte UTF-8 sequence (which must be checked).
constexpr std::array<unsigned char, 256> make_special() {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = 1;
  t['"'] = 1;
  t['\\'] = 1;
  for (int c = 0x80; c < 0x100; ++c) t[c] = 1;
  return t;
}
constexpr auto special = make_special();

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the valid UTF-8 sequence at p (RFC 3629: no overlongs, no surrogates, at
// most U+10FFFF), or 0 when it is not one.
std::size_t utf8_length(const unsigned char* p, const unsigned char* end) {
  unsigned char c = p[0];
  std::size_t avail = static_cast<std::size_t>(end - p);
  if (c >= 0xC2 && c <= 0xDF) return avail >= 2 && is_cont(p[1]) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (avail < 3 || !is_cont(p[1]) || !is_cont(p[2])) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0;  // overlong
    if (c == 0xED && p[1] > 0x9F) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (avail < 4 || !is_cont(p[1]) || !is_cont(p[2]) || !is_cont(p[3])) return 0;
    if (c == 0xF0 && p[1] < 0x90) return 0;  // overlong
    if (c == 0xF4 && p[1] > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

void append_control(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: {
      static constexpr char hex[] = "0123456789abcdef";
      char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      out.append(u, 6);
    }
  }
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view s) {
  auto* p = reinterpret_cast<const unsigned char*>(s.data());
  auto* end = p + s.size();
  while (p < end) {
    auto* run = p;
    while (p < end && !special[*p]) ++p;
    out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
    if (p == end) break;
    if (*p < 0x80) {
      append_control(out, *p++);
    } else if (std::size_t n = utf8_length(p, end)) {
      out.append(reinterpret_cast<const char*>(p), n);
      p += n;
    } else {
      out += replacement;
      ++p;
      // The rest of a broken sequence is one error, not several.
      while (p < end && is_cont(*p)) ++p;
    }
  }
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  append_json_escaped(out, s);
  out += '"';
}

void append_json_integer(std::string& out, std::int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_json_unsigned(std::string& out, std::uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_json_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace libpipe
