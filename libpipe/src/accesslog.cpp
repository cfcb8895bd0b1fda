#include "libpipe/tsv.hpp"
#include "libpipe/accesslog.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "libpipe/byte_source.hpp"
#include "libpipe/calendar.hpp"
#include "libpipe/error.hpp"
#include "libpipe/json_writer.hpp"
#include "libpipe/line_reader.hpp"
#include "libpipe/output.hpp"
#include "libpipe/tool.hpp"

namespace libpipe {


namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// memchr for the short distances of log fields: sixteen bytes at a time with SSE2, without
// a call and without reading past the field's line.
[[gnu::always_inline]] inline const char* find_char(const char* s, const char* end, char c) noexcept {
#ifdef __SSE2__
  const __m128i needle = _mm_set1_epi8(c);
  while (end - s >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
    if (unsigned m = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, needle)))) return s + __builtin_ctz(m);
    s += 16;
  }
#endif
  for (; s < end; ++s) {
    if (*s == c) return s;
  }
  return nullptr;
}

// The same when AccessLogParser::padding bytes past `end` may be read (set_padded).
[[gnu::always_inline]] inline const char* find_char_padded(const char* s, const char* end, char c) noexcept {
#ifdef __SSE2__
  const __m128i needle = _mm_set1_epi8(c);
  while (s < end) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
    if (unsigned m = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, needle)))) {
      s += __builtin_ctz(m);
      return s < end ? s : nullptr;
    }
    s += 16;
  }
  return nullptr;
#else
  return find_char(s, end, c);
#endif
}

// find_char_padded for the fields whose length varies most (the time, a request, a
// referer, an agent): 32 bytes a step, so that most end in the first step and the loop's
// exit is predictable. AccessLogParser::padding bytes past `end` may be read.
[[gnu::always_inline]] inline const char* find_char_wide(const char* s, const char* end, char c) noexcept {
#ifdef __SSE2__
  const __m128i needle = _mm_set1_epi8(c);
  while (s < end) {
    __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 16));
    unsigned m = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(a, needle))) |
                 static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(b, needle))) << 16;
    if (m != 0) {
      s += __builtin_ctz(m);
      return s < end ? s : nullptr;
    }
    s += 32;
  }
  return nullptr;
#else
  return find_char(s, end, c);
#endif
}

// The spaces among the first 32 bytes at p (of n; 32 may be read), as bits.
[[gnu::always_inline]] inline std::uint32_t space_mask_32(const char* p, std::size_t n) noexcept {
#ifdef __SSE2__
  const __m128i space = _mm_set1_epi8(' ');
  std::uint32_t m = static_cast<std::uint32_t>(_mm_movemask_epi8(
                        _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), space))) |
                    static_cast<std::uint32_t>(_mm_movemask_epi8(
                        _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16)), space)))
                        << 16;
  return n >= 32 ? m : m & ((std::uint32_t{1} << n) - 1);
#else
  (void)p;
  (void)n;
  return 0;
#endif
}

// Whether c is among the 26 bytes at p (32 may be read).
[[gnu::always_inline]] inline bool has_char_26(const char* p, char c) noexcept {
#ifdef __SSE2__
  const __m128i needle = _mm_set1_epi8(c);
  __m128i a = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), needle);
  __m128i b = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 10)), needle);
  return _mm_movemask_epi8(_mm_or_si128(a, b)) != 0;
#else
  return std::memchr(p, c, 26) != nullptr;
#endif
}

// memcmp for the one to three bytes between fields.
inline bool same(const char* a, const char* b, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// A request method: RFC 9110 tokens in practice are letters, '-' and '_'
// (VERSION-CONTROL); anything else starts a request line that is not METHOD PATH PROTO.
constexpr std::array<bool, 256> make_method_byte() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
  return t;
}
constexpr auto method_byte = make_method_byte();

bool method_like(const char* p, std::size_t n) {
  if (n == 0 || n > 32) return false;
  for (std::size_t i = 0; i < n; ++i) {
    if (!method_byte[static_cast<unsigned char>(p[i])]) return false;
  }
  return true;
}

// Whether 8 bytes at p are HTTP/1.1 or HTTP/1.0, the protocols of nearly every request.
inline bool http1(const char* p) noexcept {
  std::uint64_t x, v11, v10;
  std::memcpy(&x, p, 8);
  std::memcpy(&v11, "HTTP/1.1", 8);
  std::memcpy(&v10, "HTTP/1.0", 8);
  return x == v11 || x == v10;
}

// memrchr(p, ' ', n) for a request line, whose protocol is short: the last 16 bytes in
// one load when at least 16 bytes from `floor` on can be read (floor may be null).
inline const char* last_space(const char* p, std::size_t n, const char* floor) noexcept {
#ifdef __SSE2__
  if (floor != nullptr && n > 0 && static_cast<std::size_t>(p - floor) + n >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + n - 16));
    unsigned m = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' '))));
    if (n < 16) m &= 0xFFFFu << (16 - n);  // bytes before p are not the request's
    if (m != 0) return p + n - 16 + (31 - __builtin_clz(m));
    if (n <= 16) return nullptr;
    n -= 16;
  }
#endif
  return static_cast<const char*>(::memrchr(p, ' ', n));
}

// The position of an unescaped quote at q: preceded by an even number of backslashes.
bool unescaped(const char* p, std::size_t start, std::size_t q) {
  std::size_t k = q;
  while (k > start && p[k - 1] == '\\') --k;
  return (q - k) % 2 == 0;
}

}  // namespace

AccessLogParser::AccessLogParser(CompiledFormat format) : format_(std::move(format)) {
  const auto& steps = format_.steps;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const FieldSpec& f = steps[i].field;
    Plan plan;
    plan.before = steps[i].before;
    plan.term = i + 1 < steps.size() ? steps[i + 1].before : format_.after;
    plan.term_is_final = i + 1 == steps.size();
    plan.quoted = plan.before.ends_with('"') && plan.term.starts_with('"');
    plan.type = f.type;
    plan.numeric = f.type == FieldType::integer || f.type == FieldType::bytes || f.type == FieldType::number;
    plan.split_query = i + 1 < steps.size() && steps[i + 1].field.query && steps[i + 1].before.empty();
    if (f.type == FieldType::time && !plan.term.empty()) {
      for (char c : f.strftime) plan.skip_terms += c == plan.term[0];
    }
    plan.column = columns_.size();
    if (f.type == FieldType::request) {
      for (const auto& key : f.keys) columns_.push_back(Column{key, FieldType::string, i});
    } else {
      if (f.type == FieldType::time && time_column_ == npos) time_column_ = columns_.size();
      columns_.push_back(Column{f.keys[0], f.type, i});
    }
    plans_.push_back(std::move(plan));
  }
  slots_.resize(columns_.size());
  shape_ = shape_of(plans_, format_.anchor);
}

[[gnu::always_inline]] inline void AccessLogParser::set_request(std::size_t column, const char* p, std::size_t n, const char* floor) noexcept {
  // Locals, not members: a store to a slot could otherwise change generation_.
  Slot* const slots = slots_.data();
  const std::uint64_t generation = generation_;
  auto set = [&](std::size_t c, const char* data, std::size_t size) __attribute__((always_inline)) {
    slots[c] = Slot{data, size, generation};
  };
  const char* space = padded_ ? find_char_padded(p, p + n, ' ') : find_char(p, p + n, ' ');
  if (space == nullptr || !method_like(p, static_cast<std::size_t>(space - p))) {
    set(column + 1, p, n);  // "-", a bare path, junk: all of it is the request
    return;
  }
  std::size_t m = static_cast<std::size_t>(space - p);
  set(column, p, m);
  const char* rest = space + 1;
  std::size_t r = n - m - 1;
  // The usual end, " HTTP/1.1": its space is the last one, as last_space() would find.
  if (r >= 9 && rest[r - 9] == ' ' && http1(rest + r - 8)) {
    set(column + 1, rest, r - 9);
    set(column + 2, rest + r - 8, 8);
    return;
  }
  const char* last = last_space(rest, r, floor);
  if (last != nullptr) {
    std::size_t at = static_cast<std::size_t>(last - rest);
    std::string_view proto(last + 1, r - at - 1);
    if (proto.starts_with("HTTP/")) {
      set(column + 1, rest, at);  // a path with spaces keeps them
      set(column + 2, proto.data(), proto.size());
      return;
    }
  }
  set(column + 1, rest, r);  // HTTP/0.9, or a line cut off before its protocol
}

AccessLogParser::Shape AccessLogParser::shape_of(const std::vector<Plan>& plans, std::size_t anchor) noexcept {
  // What parse_clf() hard-codes, step by step: the literal before the field, the literal
  // after it, and the flags field_end() reads. Keys and value types do not matter here:
  // the writer reads them from the columns.
  struct Expected {
    std::string_view before, term;
    bool quoted, term_is_final, numeric, request;
  };
  static constexpr Expected combined[] = {
      {"", " ", false, false, false, false},          // %h
      {" ", " ", false, false, false, false},         // %l
      {" ", " [", false, false, false, false},        // %u
      {" [", "] \"", false, false, false, false},     // %t
      {"] \"", "\" ", true, false, false, true},      // "%r"
      {"\" ", " ", false, false, true, false},        // %>s
      {" ", " \"", false, false, true, false},        // %b
      {" \"", "\" \"", true, false, false, false},    // "%{Referer}i"
      {"\" \"", "\"", true, true, false, false},      // "%{User-agent}i"
  };
  static constexpr Expected common_bytes = {" ", "", false, true, true, false};  // %b, last
  // The columns parse_clf() and write_clf() use: the request's three from step 4 on.
  static constexpr std::size_t column[] = {0, 1, 2, 3, 4, 7, 8, 9, 10};
  std::size_t step = 0;
  auto matches = [&](const Plan& plan, const Expected& e) {
    return plan.column == column[step++] && plan.before == e.before && plan.term == e.term && plan.quoted == e.quoted &&
           plan.term_is_final == e.term_is_final && plan.numeric == e.numeric &&
           (plan.type == FieldType::request) == e.request && !plan.split_query && plan.skip_terms == 0;
  };
  if (anchor != 3 || (plans.size() != 7 && plans.size() != 9)) return Shape::general;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const Expected& e = plans.size() == 7 && i == 6 ? common_bytes : combined[i];
    if (!matches(plans[i], e)) return Shape::general;
  }
  return plans.size() == 7 ? Shape::common : Shape::combined;
}

// The ordinary lines of Common and Combined, with their literals hard-coded instead of
// looked up step by step: each field ends at the first byte that can end it, and that
// byte must be followed by exactly the literal the format has there. Whatever else the
// line holds (a quote escaped, a space inside the user, a cut-off line) returns false
// before setting anything the general parser would not, and the general parser then
// reads the line from its start; so the records are the same bytes either way
// (tests/unit/accesslog_test.cpp compares the two on damaged glogsim logs).
bool AccessLogParser::parse_clf(const char* p, std::size_t n) noexcept {
  const char* const end = p + n;
  auto find = [&](const char* s, char c) __attribute__((always_inline)) {
    return padded_ ? find_char_padded(s, end, c) : find_char(s, end, c);
  };
  auto find_far = [&](const char* s, char c) __attribute__((always_inline)) {
    return padded_ ? find_char_wide(s, end, c) : find_char(s, end, c);
  };
  // The quote that closes a quoted field, when no backslash stands before it.
  auto closing_quote = [&](const char* s) __attribute__((always_inline)) -> const char* {
    const char* q = find_far(s, '"');
    return q != nullptr && (q == s || q[-1] != '\\') ? q : nullptr;
  };
  // Each field's end is where the next one's search starts, so the searches form one chain
  // of dependent loads. The usual lines shorten it: the first three spaces come from one
  // mask of the line's first 32 bytes, and a time of the usual 26 bytes is taken by its
  // closing bracket; each guess is checked, and the search runs when it fails.
  const char* host_end;
  const char* ident_end;
  const char* user_end;
  std::uint32_t spaces = padded_ ? space_mask_32(p, n) : 0;
  if (__builtin_popcount(spaces) >= 3) {
    host_end = p + __builtin_ctz(spaces);
    spaces &= spaces - 1;
    ident_end = p + __builtin_ctz(spaces);
    spaces &= spaces - 1;
    user_end = p + __builtin_ctz(spaces);
  } else {
    host_end = find(p, ' ');
    if (host_end == nullptr) return false;
    ident_end = find(host_end + 1, ' ');
    if (ident_end == nullptr) return false;
    user_end = find(ident_end + 1, ' ');
    if (user_end == nullptr) return false;
  }
  const char* ident = host_end + 1;
  const char* user = ident_end + 1;
  if (end - user_end < 2 || user_end[1] != '[') return false;
  const char* time = user_end + 2;
  const char* time_end = padded_ && end - time > 26 && time[26] == ']' && !has_char_26(time, ']') ? time + 26
                                                                                                   : find_far(time, ']');
  if (time_end == nullptr || end - time_end < 3 || time_end[1] != ' ' || time_end[2] != '"') return false;
  const char* request = time_end + 3;
  const char* request_end = closing_quote(request);
  if (request_end == nullptr || end - request_end < 2 || request_end[1] != ' ') return false;
  const char* status = request_end + 2;
  // A status of three digits is followed by its space.
  const char* status_end = end - status > 3 && status[3] == ' ' && status[0] != ' ' && status[1] != ' ' &&
                                   status[2] != ' '
                               ? status + 3
                               : find(status, ' ');
  if (status_end == nullptr) return false;
  const char* bytes = status_end + 1;
  const char* bytes_end = find(bytes, ' ');
  const char* referer = nullptr;
  const char* referer_end = nullptr;
  if (shape_ == Shape::combined && bytes_end != nullptr) {
    // A Common line ends at its byte count; anything but `"referer" "agent"` after it is
    // for the general parser.
    if (end - bytes_end < 2 || bytes_end[1] != '"') return false;
    referer = bytes_end + 2;
    referer_end = closing_quote(referer);
    if (referer_end == nullptr || end - referer_end < 3 || referer_end[1] != ' ' || referer_end[2] != '"') return false;
    // The agent runs to the line's last quote (field_end: the final quote is preferred).
    if (end - (referer_end + 3) < 1 || end[-1] != '"' || (end - 1 > referer_end + 3 && end[-2] == '\\')) return false;
  }
  // The columns are fixed (shape_of() checks them); locals, not members, as in set_request().
  Slot* const slots = slots_.data();
  const std::uint64_t generation = generation_;
  auto put = [&](std::size_t column, const char* from, const char* to) __attribute__((always_inline)) {
    slots[column] = Slot{from, static_cast<std::size_t>(to - from), generation};
  };
  put(0, p, host_end);
  put(1, ident, ident_end);
  put(2, user, user_end);
  put(3, time, time_end);
  set_request(4, request, static_cast<std::size_t>(request_end - request), p);  // 4, 5, 6
  put(7, status, status_end);
  // Common's last number ends at a space or the line's end; in Combined, a line that ends
  // after its byte count is a record with the Common fields.
  put(8, bytes, bytes_end != nullptr ? bytes_end : end);
  if (referer != nullptr) {
    put(9, referer, referer_end);
    put(10, referer_end + 3, end - 1);
  }
  clf_begin_ = p;
  clf_end_ = end;
  return true;
}

// Where the field of step i that starts at pos ends, or npos when nothing ends it
// before the end of the line (the line was cut off inside it).
std::size_t AccessLogParser::field_end(const Plan& plan, std::size_t i, const char* p, std::size_t pos,
                                       std::size_t n) const noexcept {
  if (plan.split_query) {
    std::size_t limit = field_end(plans_[i + 1], i + 1, p, pos, n);
    std::size_t stop = limit == npos ? n : limit;
    const void* q = std::memchr(p + pos, '?', stop - pos);
    return q != nullptr ? static_cast<std::size_t>(static_cast<const char*>(q) - p) : limit;
  }
  const std::string& term = plan.term;
  if (term.empty()) {
    if (!plan.numeric) return n;
    const void* sp = std::memchr(p + pos, ' ', n - pos);
    return sp != nullptr ? static_cast<std::size_t>(static_cast<const char*>(sp) - p) : n;
  }
  const char first = term[0];
  const std::size_t tn = term.size();
  if (plan.quoted && plan.term_is_final && n - pos >= tn &&
      std::memcmp(p + n - tn, term.data(), tn) == 0 && unescaped(p, pos, n - tn)) {
    return n - tn;  // the last quote of the line closes the last quoted field
  }
  unsigned skip = plan.skip_terms;
  std::size_t at = pos;
  // A number is whole at a space even when what follows is not the format's text.
  auto not_found = [&]() -> std::size_t {
    if (!plan.numeric || plan.quoted) return npos;
    const void* sp = std::memchr(p + pos, ' ', n - pos);
    return sp != nullptr ? static_cast<std::size_t>(static_cast<const char*>(sp) - p) : npos;
  };
  while (at < n) {
    const char* hit = padded_ ? find_char_padded(p + at, p + n, first) : find_char(p + at, p + n, first);
    if (hit == nullptr) return not_found();
    std::size_t q = static_cast<std::size_t>(hit - p);
    at = q + 1;
    if (plan.quoted && !unescaped(p, pos, q)) continue;
    if (n - q < tn) {
      // The line ends inside the closing text: the field is whole, what follows is cut.
      if (std::memcmp(p + q, term.data(), n - q) == 0 && skip == 0) return q;
      continue;
    }
    if (tn > 1 && !same(p + q + 1, term.data() + 1, tn - 1)) continue;
    if (skip > 0) {
      --skip;
      continue;
    }
    return q;
  }
  return not_found();
}

bool AccessLogParser::parse(std::string_view line) {
  ++generation_;
  const char* p = line.data();
  std::size_t n = line.size();
  if (n > 0 && p[n - 1] == '\r') --n;
  line_size_ = line.size();
  clf_begin_ = nullptr;
  if (shape_ != Shape::general && parse_clf(p, n)) return true;
  return parse_general(p, n);
}

bool AccessLogParser::parse_general(const char* p, std::size_t n) noexcept {
  std::size_t pos = 0;
  const std::size_t anchor = format_.anchor;
  for (std::size_t i = 0; i < plans_.size(); ++i) {
    const Plan& plan = plans_[i];
    if (std::size_t bn = plan.before.size()) {
      if (n - pos < bn || !same(p + pos, plan.before.data(), bn)) {
        // Cut off, or not this format any more: keep what came before, if enough did.
        if (i > anchor) return true;
        ++generation_;
        return false;
      }
      pos += bn;
    }
    std::size_t end = field_end(plan, i, p, pos, n);
    bool complete = end != npos;
    if (!complete) end = n;
    if (i <= anchor && !complete) {
      ++generation_;  // cut off before the line had a usable shape
      return false;
    }
    if (plan.type == FieldType::request) set_request(plan.column, p + pos, end - pos);
    else set(plan.column, p + pos, end - pos);
    if (!complete) return true;
    pos = end;
  }
  return true;
}

std::string_view decode_log_escapes(std::string_view text, std::string& scratch) {
  const char* bs = static_cast<const char*>(std::memchr(text.data(), '\\', text.size()));
  if (bs == nullptr) return text;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  scratch.assign(text.data(), static_cast<std::size_t>(bs - text.data()));
  std::size_t i = static_cast<std::size_t>(bs - text.data());
  const std::size_t n = text.size();
  while (i < n) {
    char c = text[i];
    if (c != '\\' || i + 1 == n) {
      scratch += c;
      ++i;
      continue;
    }
    char e = text[i + 1];
    switch (e) {
      case '"': case '\\': case '/': scratch += e; i += 2; continue;
      case 'n': scratch += '\n'; i += 2; continue;
      case 't': scratch += '\t'; i += 2; continue;
      case 'r': scratch += '\r'; i += 2; continue;
      case 'b': scratch += '\b'; i += 2; continue;
      case 'v': scratch += '\v'; i += 2; continue;
      case 'f': scratch += '\f'; i += 2; continue;
      case 'x':
        if (i + 3 < n + 0 && hex(text[i + 2]) >= 0 && hex(text[i + 3]) >= 0) {
          scratch += static_cast<char>(hex(text[i + 2]) * 16 + hex(text[i + 3]));
          i += 4;
          continue;
        }
        break;
      case 'u':
        if (i + 5 < n && hex(text[i + 2]) >= 0 && hex(text[i + 3]) >= 0 && hex(text[i + 4]) >= 0 &&
            hex(text[i + 5]) >= 0) {
          unsigned cp = static_cast<unsigned>((hex(text[i + 2]) << 12) | (hex(text[i + 3]) << 8) |
                                              (hex(text[i + 4]) << 4) | hex(text[i + 5]));
          // As UTF-8; a lone surrogate is written as is and becomes U+FFFD in JSON.
          if (cp < 0x80) {
            scratch += static_cast<char>(cp);
          } else if (cp < 0x800) {
            scratch += static_cast<char>(0xC0 | (cp >> 6));
            scratch += static_cast<char>(0x80 | (cp & 0x3F));
          } else {
            scratch += static_cast<char>(0xE0 | (cp >> 12));
            scratch += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            scratch += static_cast<char>(0x80 | (cp & 0x3F));
          }
          i += 6;
          continue;
        }
        break;
      default: break;
    }
    scratch += c;  // not an escape: the backslash is text
    ++i;
  }
  return scratch;
}

// ---- time -------------------------------------------------------------------------

namespace {

// Reads exactly `width` digits (at least `min` when fewer are there) at p[i].
bool digits(std::string_view s, std::size_t& i, unsigned min, unsigned width, std::int64_t& v) {
  v = 0;
  unsigned got = 0;
  while (got < width && i < s.size() && is_digit(s[i])) {
    v = v * 10 + (s[i] - '0');
    ++i;
    ++got;
  }
  return got >= min;
}

bool month_name(std::string_view s, std::size_t& i, std::int64_t& month) {
  if (s.size() - i < 3) return false;
  month = month_from_abbrev(s.substr(i, 3));
  i += 3;
  return month != 0;
}

// +hhmm, -hhmm, +hh:mm, Z: minutes east of UTC.
bool zone(std::string_view s, std::size_t& i, std::int64_t& minutes) {
  if (i < s.size() && s[i] == 'Z') {
    ++i;
    minutes = 0;
    return true;
  }
  if (i >= s.size() || (s[i] != '+' && s[i] != '-')) return false;
  int sign = s[i++] == '-' ? -1 : 1;
  std::int64_t hh, mm;
  if (!digits(s, i, 2, 2, hh)) return false;
  if (i < s.size() && s[i] == ':') ++i;
  if (!digits(s, i, 2, 2, mm)) return false;
  minutes = sign * (hh * 60 + mm);
  return true;
}

bool fraction(std::string_view s, std::size_t& i, LogTime& t) {
  if (i >= s.size() || (s[i] != '.' && s[i] != ',')) return true;
  ++i;
  std::int64_t v = 0;
  unsigned got = 0;
  while (i < s.size() && is_digit(s[i])) {
    if (got < 9) {
      v = v * 10 + (s[i] - '0');
      ++got;
    }
    ++i;
  }
  if (got == 0) return false;
  t.fraction = static_cast<std::uint32_t>(v);
  t.fraction_digits = got;
  return true;
}

struct Civil {
  std::int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, zone = 0;
};

bool valid(const Civil& c) {
  return c.month >= 1 && c.month <= 12 && c.day >= 1 && c.day <= 31 && c.hour <= 24 && c.minute <= 59 &&
         c.second <= 60 && c.year >= 0 && c.year <= 9999;
}

std::int64_t to_epoch(const Civil& c) {
  return days_from_civil(static_cast<int>(c.year), static_cast<unsigned>(c.month), static_cast<unsigned>(c.day)) *
             86400 +
         c.hour * 3600 + c.minute * 60 + c.second - c.zone * 60;
}

bool epoch_digits(std::string_view s, unsigned scale_digits, LogTime& t) {
  std::size_t i = 0;
  std::int64_t v;
  if (!digits(s, i, 1, 18, v) || i != s.size()) return false;
  std::int64_t scale = 1;
  for (unsigned k = 0; k < scale_digits; ++k) scale *= 10;
  t.seconds = v / scale;
  t.fraction = static_cast<std::uint32_t>(v % scale);
  t.fraction_digits = scale_digits;
  return true;
}

bool strftime_time(std::string_view s, std::string_view pattern, LogTime& t) {
  Civil c;
  std::size_t i = 0;
  bool have_epoch = false;
  std::int64_t epoch = 0;
  for (std::size_t k = 0; k < pattern.size(); ++k) {
    char pc = pattern[k];
    if (pc != '%') {
      if (i >= s.size() || s[i] != pc) return false;
      ++i;
      continue;
    }
    if (++k == pattern.size()) return false;
    bool ok = true;
    switch (pattern[k]) {
      case 'Y': ok = digits(s, i, 4, 4, c.year); break;
      case 'y':
        ok = digits(s, i, 2, 2, c.year);
        c.year += c.year < 69 ? 2000 : 1900;
        break;
      case 'm': ok = digits(s, i, 1, 2, c.month); break;
      case 'e': if (i < s.size() && s[i] == ' ') ++i; [[fallthrough]];
      case 'd': ok = digits(s, i, 1, 2, c.day); break;
      case 'H': ok = digits(s, i, 1, 2, c.hour); break;
      case 'M': ok = digits(s, i, 1, 2, c.minute); break;
      case 'S': ok = digits(s, i, 1, 2, c.second); break;
      case 'b': case 'h': ok = month_name(s, i, c.month); break;
      case 'z': ok = zone(s, i, c.zone); break;
      case 'T':
        ok = digits(s, i, 1, 2, c.hour) && i < s.size() && s[i++] == ':' && digits(s, i, 1, 2, c.minute) &&
             i < s.size() && s[i++] == ':' && digits(s, i, 1, 2, c.second);
        break;
      case 'R':
        ok = digits(s, i, 1, 2, c.hour) && i < s.size() && s[i++] == ':' && digits(s, i, 1, 2, c.minute);
        break;
      case 'F':
        ok = digits(s, i, 4, 4, c.year) && i < s.size() && s[i++] == '-' && digits(s, i, 1, 2, c.month) &&
             i < s.size() && s[i++] == '-' && digits(s, i, 1, 2, c.day);
        break;
      case 'D':
        ok = digits(s, i, 1, 2, c.month) && i < s.size() && s[i++] == '/' && digits(s, i, 1, 2, c.day) &&
             i < s.size() && s[i++] == '/' && digits(s, i, 2, 2, c.year);
        c.year += c.year < 69 ? 2000 : 1900;
        break;
      case 's':
        ok = digits(s, i, 1, 18, epoch);
        have_epoch = true;
        break;
      case 'a': case 'A':
        while (i < s.size() && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))) ++i;
        break;
      case '%': ok = i < s.size() && s[i++] == '%'; break;
      default: return false;
    }
    if (!ok) return false;
  }
  if (i != s.size()) return false;
  if (have_epoch) {
    t.seconds = epoch;
    return true;
  }
  if (!valid(c)) return false;
  t.seconds = to_epoch(c);
  return true;
}

}  // namespace

bool parse_log_time(std::string_view s, TimeSyntax syntax, std::string_view pattern, LogTime& t) noexcept {
  t = LogTime{};
  switch (syntax) {
    case TimeSyntax::clf: {
      // 24/Feb/2008:00:08:59 -0600
      Civil c;
      std::size_t i = 0;
      if (!digits(s, i, 1, 2, c.day) || i >= s.size() || s[i++] != '/') return false;
      if (!month_name(s, i, c.month) || i >= s.size() || s[i++] != '/') return false;
      if (!digits(s, i, 4, 4, c.year) || i >= s.size() || s[i++] != ':') return false;
      if (!digits(s, i, 2, 2, c.hour) || i >= s.size() || s[i++] != ':') return false;
      if (!digits(s, i, 2, 2, c.minute) || i >= s.size() || s[i++] != ':') return false;
      if (!digits(s, i, 2, 2, c.second) || !fraction(s, i, t)) return false;
      if (i < s.size()) {
        if (s[i++] != ' ' || !zone(s, i, c.zone)) return false;
      }
      if (i != s.size() || !valid(c)) return false;
      t.seconds = to_epoch(c);
      return true;
    }
    case TimeSyntax::iso8601: {
      // 2008-02-24T00:08:59-06:00
      Civil c;
      std::size_t i = 0;
      if (!digits(s, i, 4, 4, c.year) || i >= s.size() || s[i++] != '-') return false;
      if (!digits(s, i, 2, 2, c.month) || i >= s.size() || s[i++] != '-') return false;
      if (!digits(s, i, 2, 2, c.day) || i >= s.size() || (s[i] != 'T' && s[i] != ' ')) return false;
      ++i;
      if (!digits(s, i, 2, 2, c.hour) || i >= s.size() || s[i++] != ':') return false;
      if (!digits(s, i, 2, 2, c.minute) || i >= s.size() || s[i++] != ':') return false;
      if (!digits(s, i, 2, 2, c.second) || !fraction(s, i, t)) return false;
      if (i < s.size() && !zone(s, i, c.zone)) return false;
      if (i != s.size() || !valid(c)) return false;
      t.seconds = to_epoch(c);
      return true;
    }
    case TimeSyntax::epoch_s: return epoch_digits(s, 0, t);
    case TimeSyntax::epoch_ms: return epoch_digits(s, 3, t);
    case TimeSyntax::epoch_us: return epoch_digits(s, 6, t);
    case TimeSyntax::epoch_frac: {
      std::size_t i = 0;
      std::int64_t v;
      if (!digits(s, i, 1, 18, v) || !fraction(s, i, t) || i != s.size()) return false;
      t.seconds = v;
      return true;
    }
    case TimeSyntax::strftime: return strftime_time(s, pattern, t);
    case TimeSyntax::unknown: return false;
  }
  return false;
}

namespace {

void append_padded(std::string& out, std::int64_t v, int width) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  for (int pad = width - static_cast<int>(r.ptr - buf); pad > 0; --pad) out += '0';
  out.append(buf, r.ptr);
}

void append_fraction(std::string& out, const LogTime& t) {
  if (t.fraction_digits == 0) return;
  out += '.';
  append_padded(out, t.fraction, static_cast<int>(t.fraction_digits));
}

}  // namespace

void append_iso_time(std::string& out, const LogTime& t) {
  std::int64_t days = t.seconds >= 0 ? t.seconds / 86400 : -((-t.seconds + 86399) / 86400);
  std::int64_t tod = t.seconds - days * 86400;
  CivilDate d = civil_from_days(days);
  append_padded(out, d.year, 4);
  out += '-';
  append_padded(out, d.month, 2);
  out += '-';
  append_padded(out, d.day, 2);
  out += 'T';
  append_padded(out, tod / 3600, 2);
  out += ':';
  append_padded(out, tod / 60 % 60, 2);
  out += ':';
  append_padded(out, tod % 60, 2);
  append_fraction(out, t);
  out += 'Z';
}

void append_epoch_time(std::string& out, const LogTime& t) {
  append_json_integer(out, t.seconds);
  append_fraction(out, t);
}

namespace {

// The writers' versions of the two above, straight into the record's room: one time a
// line, so no string is built for it.
inline char* put_two_digits(char* w, std::int64_t v) noexcept {
  w[0] = static_cast<char>('0' + v / 10);
  w[1] = static_cast<char>('0' + v % 10);
  return w + 2;
}

char* put_fraction(char* w, const LogTime& t) noexcept {
  if (t.fraction_digits == 0) return w;
  *w++ = '.';
  std::uint32_t f = t.fraction;
  for (unsigned i = t.fraction_digits; i-- > 0; f /= 10) w[i] = static_cast<char>('0' + f % 10);
  return w + t.fraction_digits;
}

char* put_epoch_time(char* w, const LogTime& t) noexcept {
  w = std::to_chars(w, w + 24, t.seconds).ptr;
  return put_fraction(w, t);
}

char* put_iso_time(char* w, const LogTime& t) {
  std::int64_t days = t.seconds >= 0 ? t.seconds / 86400 : -((-t.seconds + 86399) / 86400);
  std::int64_t tod = t.seconds - days * 86400;
  CivilDate d = civil_from_days(days);
  if (d.year < 0 || d.year > 9999) {  // a zone pushed the year out of four digits
    std::string text;
    append_iso_time(text, t);
    std::memcpy(w, text.data(), text.size());
    return w + text.size();
  }
  w = put_two_digits(w, d.year / 100);
  w = put_two_digits(w, d.year % 100);
  *w++ = '-';
  w = put_two_digits(w, d.month);
  *w++ = '-';
  w = put_two_digits(w, d.day);
  *w++ = 'T';
  w = put_two_digits(w, tod / 3600);
  *w++ = ':';
  w = put_two_digits(w, tod / 60 % 60);
  *w++ = ':';
  w = put_two_digits(w, tod % 60);
  w = put_fraction(w, t);
  *w++ = 'Z';
  return w;
}

}  // namespace

// ---- records ----------------------------------------------------------------------

namespace {

// The digits of a JSON integer at w, without leading zeros; nullptr when text is not an
// integer that fits in 64 bits (it is then written as a string).
char* put_integer(char* w, std::string_view text) noexcept {
  std::size_t n = text.size(), i = 0;
  if (n == 0) return nullptr;
  while (i + 1 < n && text[i] == '0') ++i;
  std::size_t len = n - i;
  if (len > 19) return nullptr;
  for (std::size_t k = i; k < n; ++k) {
    if (!is_digit(text[k])) return nullptr;
  }
  if (len == 19 && std::memcmp(text.data() + i, "9223372036854775807", 19) > 0) return nullptr;
  std::memcpy(w, text.data() + i, len);
  return w + len;
}

// put_integer for the usual case, one to eight digits with no leading zero, checked and
// copied eight bytes at a time; 16 bytes after a padded line's fields are readable, and
// the record's room has more than eight bytes after any value.
inline char* put_short_integer(char* w, std::string_view text) noexcept {
  const std::size_t n = text.size();
  if (n == 0 || n > 8 || (text[0] == '0' && n > 1)) return put_integer(w, text);
  std::uint64_t x;
  std::memcpy(&x, text.data(), 8);
  constexpr std::uint64_t zeros = 0x3030303030303030ULL, high_nibbles = 0xF0F0F0F0F0F0F0F0ULL;
  const std::uint64_t mask = n == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * n)) - 1;  // little-endian
  const std::uint64_t a = (x & mask) | (zeros & ~mask);  // the bytes after the field as '0'
  // Every byte 0x30..0x39: its high nibble is 3, and still 3 after adding 6.
  if ((a & high_nibbles) != zeros || ((a + 0x0606060606060606ULL) & high_nibbles) != zeros) return put_integer(w, text);
  std::memcpy(w, &x, 8);
  return w + n;
}

// Bytes a JSON string takes as they are: not a control, '"', '\\' (which may also start a
// log escape) or a byte of a multi-byte sequence (which must be checked as UTF-8).
constexpr std::array<bool, 256> make_plain() {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[c] = c != '"' && c != '\\';
  return t;
}
constexpr auto plain = make_plain();

// The rest of a field from its first byte that cannot be copied as it is: log escapes
// decoded, then escaped for JSON. Nothing before it is a backslash or part of a UTF-8
// sequence, so the rest stands alone. Rare, so kept out of line.
[[gnu::noinline]] char* put_escaped_rest(char* w, std::string_view rest, std::string& scratch, std::string& escaped) {
  escaped.clear();
  append_json_escaped(escaped, decode_log_escapes(rest, scratch));
  std::memcpy(w, escaped.data(), escaped.size());
  return w + escaped.size();
}

// raw as a JSON string at w, without a padded line's 16 readable bytes after each field.
[[gnu::noinline]] char* put_string_unpadded(char* w, std::string_view raw, std::string& scratch, std::string& escaped) {
  const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  const std::size_t n = raw.size();
  std::size_t i = 0;
#ifdef __SSE2__
  // Sixteen bytes at a time: a signed compare below 0x20 catches controls and every byte
  // of 0x80 and above at once.
  const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
  while (n - i >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    __m128i special = _mm_or_si128(_mm_cmplt_epi8(v, space),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w + i), v);
    if (unsigned m = static_cast<unsigned>(_mm_movemask_epi8(special))) {
      i += static_cast<std::size_t>(__builtin_ctz(m));
      break;
    }
    i += 16;
  }
#endif
  // Then eight at a time (most fields are short): any byte with its top bit set, below
  // 0x20, '"' or '\\' stops the run (the bit tricks may stop early, never late).
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  while (n - i >= 8) {
    std::uint64_t x;
    std::memcpy(&x, p + i, 8);
    std::uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    std::uint64_t special = (x | ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs;
    if (special != 0) break;
    std::memcpy(w + i, &x, 8);
    i += 8;
  }
  while (i < n && plain[p[i]]) {
    w[i] = static_cast<char>(p[i]);
    ++i;
  }
  w += i;
  if (i < n) w = put_escaped_rest(w, raw.substr(i), scratch, escaped);
  return w;
}

// raw as a JSON string at w: log escapes decoded, then escaped for JSON. The plain run
// at the start (usually all of it) is copied as it is scanned. Inline: on a padded line
// a short plain field is one 16-byte load, check and store.
inline char* put_string(char* w, std::string_view raw, std::string& scratch, std::string& escaped, bool padded) {
  *w++ = '"';
#ifdef __SSE2__
  if (padded) {
    // Whole 16-byte loads and stores, the end of the field marked as a stop: no tail loop.
    // The stores may run 16 bytes past the field, into room max_size() keeps.
    const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    const char* p = raw.data();
    const std::size_t n = raw.size();
    std::size_t i = 0;
    for (;;) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      __m128i special = _mm_or_si128(_mm_cmplt_epi8(v, space),
                                     _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
      unsigned m = static_cast<unsigned>(_mm_movemask_epi8(special));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(w + i), v);
      if (n - i <= 16) {
        // The field's last block: plain up to its end (the usual case) moves w by the
        // field's size, known early, rather than by a bit scan.
        m &= (1u << (n - i)) - 1;
        i = m == 0 ? n : i + static_cast<std::size_t>(__builtin_ctz(m));
        break;
      }
      if (m != 0) {
        i += static_cast<std::size_t>(__builtin_ctz(m));
        break;
      }
      i += 16;
    }
    w += i;
    if (i < n) [[unlikely]] w = put_escaped_rest(w, raw.substr(i), scratch, escaped);
    *w++ = '"';
    return w;
  }
#endif
  w = put_string_unpadded(w, raw, scratch, escaped);
  *w++ = '"';
  return w;
}

// A JSON number as written: 0.123, 12, 3.5 (not 01, .5, 1e3 or -).
bool json_number_text(std::string_view s);

// A field's value as JSON at w: numbers as numbers when they are ones (a byte count of
// "-" is 0), anything else as a string.
inline char* put_value(char* w, FieldType type, std::string_view raw, std::string& scratch, std::string& escaped,
                       bool padded) {
  switch (type) {
    case FieldType::bytes:
      if (raw.size() == 1 && raw[0] == '-') {
        *w++ = '0';
        return w;
      }
      [[fallthrough]];
    case FieldType::integer:
      if (char* end = padded ? put_short_integer(w, raw) : put_integer(w, raw)) return end;
      break;
    case FieldType::number:
      if (json_number_text(raw)) {
        std::memcpy(w, raw.data(), raw.size());
        return w + raw.size();
      }
      break;
    default: break;
  }
  return put_string(w, raw, scratch, escaped, padded);
}

// Whether the n bytes at p (16 more readable) hold nothing JSON must escape or a log
// escape could start (controls, bytes of 0x80 and above, '\\') and exactly `quotes` quotes:
// the ones around its quoted fields, so that no field holds one. One pass over the line
// instead of a check per field. Lines of 4 KB and more are left to the check per field
// (the per-lane quote counts would overflow).
inline bool plain_line(const char* p, std::size_t n, unsigned quotes) noexcept {
#ifdef __SSE2__
  if (n >= 4096) return false;
  const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
  __m128i bad = _mm_setzero_si128(), count = _mm_setzero_si128();
  std::size_t i = 0;
  auto check = [&](__m128i v) __attribute__((always_inline)) {
    bad = _mm_or_si128(bad, _mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, backslash)));
    count = _mm_sub_epi8(count, _mm_cmpeq_epi8(v, quote));  // a match is -1
  };
  for (; n - i >= 32; i += 32) {
    check(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)));
    check(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 16)));
  }
  if (n - i >= 16) {
    check(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)));
    i += 16;
  }
  if (i < n) {
    // The line's last bytes; what follows them in the buffer does not count.
    const __m128i iota = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m128i in_line = _mm_cmpgt_epi8(_mm_set1_epi8(static_cast<char>(n - i)), iota);
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    bad = _mm_or_si128(bad, _mm_and_si128(in_line, _mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, backslash))));
    count = _mm_sub_epi8(count, _mm_and_si128(in_line, _mm_cmpeq_epi8(v, quote)));
  }
  if (_mm_movemask_epi8(bad) != 0) return false;
  __m128i sums = _mm_sad_epu8(count, _mm_setzero_si128());
  unsigned total = static_cast<unsigned>(_mm_cvtsi128_si32(sums)) + static_cast<unsigned>(_mm_extract_epi16(sums, 4));
  return total == quotes;
#else
  (void)p;
  (void)n;
  (void)quotes;
  return false;
#endif
}

// A plain field of a padded line at w, 32 bytes at a time; the stores may run 31 bytes
// past it, into room max_size() keeps.
inline char* copy_padded(char* w, const char* s, std::size_t n) noexcept {
#ifdef __SSE2__
  std::size_t i = 0;
  do {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w + i), _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w + i + 16),
                     _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i + 16)));
    i += 32;
  } while (i < n);
#else
  std::memcpy(w, s, n);
#endif
  return w + n;
}

// raw as a TSV cell at w: log escapes decoded, then tab, newline, carriage return and
// backslash written as \t \n \r \\. Sixteen bytes are copied at a time while none of them
// needs either; from the first that does, the rest is decoded and escaped byte by byte
// (nothing before it is a backslash, so the rest's escapes stand alone).
char* put_tsv_text(char* w, std::string_view raw, std::string& scratch) {
  const char* s = raw.data();
  const char* const end = s + raw.size();
#ifdef __SSE2__
  const __m128i tab = _mm_set1_epi8('\t'), nl = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'),
                backslash = _mm_set1_epi8('\\');
  while (end - s >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w), v);
    __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, nl)),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, backslash)));
    if (unsigned m = static_cast<unsigned>(_mm_movemask_epi8(special))) {
      s += __builtin_ctz(m);
      w += __builtin_ctz(m);
      break;
    }
    s += 16;
    w += 16;
  }
#endif
  for (; s < end; ++s) {
    char c = *s;
    if (c == '\t' || c == '\n' || c == '\r' || c == '\\') break;
    *w++ = c;
  }
  if (s == end) return w;
  for (char c : decode_log_escapes(std::string_view(s, static_cast<std::size_t>(end - s)), scratch)) {
    switch (c) {
      case '\t': *w++ = '\\'; *w++ = 't'; break;
      case '\n': *w++ = '\\'; *w++ = 'n'; break;
      case '\r': *w++ = '\\'; *w++ = 'r'; break;
      case '\\': *w++ = '\\'; *w++ = '\\'; break;
      default: *w++ = c;
    }
  }
  return w;
}

bool json_number_text(std::string_view s) {
  std::size_t i = 0;
  if (s.empty() || !is_digit(s[0])) return false;
  if (s[0] == '0' && s.size() > 1 && is_digit(s[1])) return false;
  while (i < s.size() && is_digit(s[i])) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t f = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == f) return false;
  }
  return i == s.size();
}

}  // namespace

AccessLogWriter::AccessLogWriter(const AccessLogParser& parser, RecordOptions options)
    : parser_(parser), options_(std::move(options)) {
  const auto& columns = parser_.columns();
  fixed_size_ = 128;  // braces, newline, a time, and the 32-byte key copies of write_json
  auto add = [&](std::size_t column, const std::string& key) {
    std::string json_key = ",";
    append_json_string(json_key, key);
    json_key += ':';
    fixed_size_ += 6 * json_key.size() + 8;  // as a TSV header cell too; quotes
    FieldType type = column == AccessLogParser::npos ? FieldType::string : columns[column].type;
    Output o{column, type, std::move(json_key), {}};
    std::memcpy(o.key_copy, o.json_key.data(), std::min<std::size_t>(o.json_key.size(), 32));
    outputs_.push_back(std::move(o));
    keys_.push_back(key);
  };
  bool with_time = options_.time != TimeOutput::none;
  if (options_.fields.empty()) {
    for (std::size_t i = 0; i < columns.size(); ++i) add(i, columns[i].key);
    if (with_time) add(AccessLogParser::npos, "time");
    if (options_.syntax == RecordSyntax::json) prepare_clf();
    return;
  }
  for (const auto& name : options_.fields) {
    if (name == "time" && with_time) {
      add(AccessLogParser::npos, "time");
      continue;
    }
    std::size_t found = AccessLogParser::npos;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].key == name) found = i;
    }
    if (found == AccessLogParser::npos) {
      std::string known;
      for (const auto& c : columns) known += (known.empty() ? "" : ", ") + c.key;
      if (with_time) known += ", time";
      if (name == "time") throw Error("--fields", "'time' needs --time iso or --time epoch");
      throw Error("--fields", "this format has no field '" + name + "' (it has " + known + ")");
    }
    add(found, name);
  }
}

void AccessLogWriter::prepare_clf() {
  // parse_clf() runs only for Common and Combined, whose columns these are.
  const bool with_time = !outputs_.empty() && outputs_.back().column == AccessLogParser::npos;
  const std::size_t n = outputs_.size() - (with_time ? 1 : 0);
  if (n != AccessLogParser::clf_columns && n != AccessLogParser::clf_columns - 2) return;
  for (std::size_t i = 0; i < n; ++i) {
    const Output& o = outputs_[i];
    std::string text = o.json_key.substr(i == 0 ? 1 : 0);  // no comma before the first
    // Strings and the numbers of the general path: parse_clf() puts text in 0-6, 9-10.
    bool number = i == 7 || i == 8;
    if (number != (o.type == FieldType::integer || o.type == FieldType::bytes || o.type == FieldType::number)) return;
    if (!number) text += '"';
    if (text.size() > sizeof clf_key_[i].text) return;
    std::memcpy(clf_key_[i].text, text.data(), text.size());
    clf_key_[i].size = text.size();
  }
  clf_keys_ = n;
  clf_time_ = with_time;
}

std::string AccessLogWriter::header() const {
  if (options_.syntax != RecordSyntax::tsv) return {};
  std::string h;
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (i > 0) h += '\t';
    append_tsv_escaped(h, keys_[i]);
  }
  h += '\n';
  return h;
}

bool AccessLogWriter::read_time(LogTime& t) noexcept {
  std::size_t c = parser_.time_column();
  if (c == AccessLogParser::npos || !parser_.has(c)) return false;
  const FieldSpec& spec = parser_.format().steps[parser_.columns()[c].step].field;
  const std::string_view s = parser_.raw(c);
  if (spec.time != TimeSyntax::clf || s.size() != 26) return parse_log_time(s, spec.time, spec.strftime, t);
  // 24/Feb/2008:00:08:59 -0600: the lines of an hour share all but the minutes and seconds.
  auto two = [&](std::size_t i) { return (s[i] - '0') * 10 + (s[i + 1] - '0'); };
  const bool clock = s[17] == ':' && is_digit(s[15]) && is_digit(s[16]) && is_digit(s[18]) && is_digit(s[19]);
  if (hour_.valid && clock && std::memcmp(s.data(), hour_.date, 15) == 0 && std::memcmp(s.data() + 20, hour_.zone, 6) == 0) {
    const int minute = two(15), second = two(18);
    if (minute > 59 || second > 60) return false;  // as parse_log_time() finds
    t = LogTime{};
    t.seconds = hour_.start + minute * 60 + second;
    return true;
  }
  if (!parse_log_time(s, spec.time, spec.strftime, t)) return false;
  // Read whole: the hour is kept when the text is laid out as above (a day of two digits,
  // no fraction, a zone of +hhmm), so that only those bytes can differ.
  if (clock && s[2] == '/' && s[6] == '/' && s[11] == ':' && s[14] == ':' && s[20] == ' ') {
    std::memcpy(hour_.date, s.data(), 15);
    std::memcpy(hour_.zone, s.data() + 20, 6);
    hour_.start = t.seconds - two(15) * 60 - two(18);
    hour_.valid = true;
  }
  return true;
}

char* AccessLogWriter::put_time(char* w, const LogTime& t, bool quoted) {
  if (options_.time == TimeOutput::epoch) return put_epoch_time(w, t);
  if (quoted) *w++ = '"';
  w = put_iso_time(w, t);
  if (quoted) *w++ = '"';
  return w;
}

void AccessLogWriter::append(std::string& out) {
  std::size_t old = out.size();
  out.resize(old + max_size());
  char* end = write(out.data() + old);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

char* AccessLogWriter::write(char* w) {
  if (options_.syntax == RecordSyntax::json) {
    return clf_keys_ != 0 && parser_.clf_begin_ != nullptr && parser_.padded_ ? write_clf(w) : write_json(w);
  }
  return write_tsv(w);
}

char* AccessLogWriter::write_json_time(char* w, const Output& o, std::size_t skip) {
  LogTime t;
  if (!read_time(t)) return w;
  std::memcpy(w, o.json_key.data() + skip, o.json_key.size() - skip);
  return put_time(w + o.json_key.size() - skip, t, true);
}

char* AccessLogWriter::write_json(char* w) {
  // Locals, not members: the stores through w would make the compiler reload them.
  const AccessLogParser::Slot* const slots = parser_.slots_.data();
  const std::uint64_t generation = parser_.generation_;
  const bool padded = parser_.padded_;
  *w++ = '{';
  std::size_t skip = 1;  // no comma before the first field written
  for (const Output& o : outputs_) {
    if (o.column == AccessLogParser::npos) {
      char* end = write_json_time(w, o, skip);
      if (end != w) skip = 0;
      w = end;
      continue;
    }
    const AccessLogParser::Slot& slot = slots[o.column];
    if (slot.generation != generation) continue;
    // A fixed-size copy is one instruction pair, not a call; the bytes beyond the key
    // are overwritten next.
    const std::size_t key_size = o.json_key.size() - skip;
    if (o.json_key.size() <= 32) std::memcpy(w, o.key_copy + skip, 32);
    else std::memcpy(w, o.json_key.data() + skip, key_size);
    w += key_size;
    skip = 0;
    w = put_value(w, o.type, std::string_view(slot.data, slot.size), scratch_, escaped_, padded);
  }
  *w++ = '}';
  *w++ = '\n';
  return w;
}

char* AccessLogWriter::write_clf(char* w) {
  const AccessLogParser::Slot* const slots = parser_.slots_.data();
  const std::uint64_t generation = parser_.generation_;
  const char* const line = parser_.clf_begin_;
  // Referer and agent: a Combined line, with its four quotes more.
  const bool combined = clf_keys_ == AccessLogParser::clf_columns && slots[9].generation == generation;
  if (!plain_line(line, static_cast<std::size_t>(parser_.clf_end_ - line), combined ? 6 : 2)) return write_json(w);
  // Every field is plain: its bytes are its JSON text.
  auto key = [&](std::size_t i) __attribute__((always_inline)) {
    std::memcpy(w, clf_key_[i].text, 32);
    w += clf_key_[i].size;
  };
  auto text = [&](std::size_t i) __attribute__((always_inline)) {
    key(i);
    w = copy_padded(w, slots[i].data, slots[i].size);
    *w++ = '"';
  };
  auto value = [&](std::size_t i) __attribute__((always_inline)) {
    key(i);
    const std::string_view raw(slots[i].data, slots[i].size);
    const FieldType type = outputs_[i].type;
    // The usual status and byte count inline; the rest as write_json() writes it.
    if (type == FieldType::bytes && raw.size() == 1 && raw[0] == '-') {
      *w++ = '0';
    } else if (char* end = type != FieldType::number ? put_short_integer(w, raw) : nullptr) {
      w = end;
    } else {
      w = put_value(w, type, raw, scratch_, escaped_, true);
    }
  };
  *w++ = '{';
  text(0);  // host
  text(1);  // ident
  text(2);  // user
  text(3);  // time
  if (slots[4].generation == generation) text(4);  // method
  text(5);  // request (always set)
  if (slots[6].generation == generation) text(6);  // protocol
  value(7);  // status
  value(8);  // bytes
  if (combined) {
    text(9);   // referer
    text(10);  // agent
  }
  if (clf_time_) w = write_json_time(w, outputs_.back(), 0);
  *w++ = '}';
  *w++ = '\n';
  return w;
}

char* AccessLogWriter::put_tsv_value(char* w, FieldType type, std::string_view raw) {
  if (type == FieldType::bytes && raw.size() == 1 && raw[0] == '-') {
    *w++ = '0';
    return w;
  }
  if (type == FieldType::integer || type == FieldType::bytes) {
    if (char* end = put_integer(w, raw)) return end;
  }
  return put_tsv_text(w, raw, scratch_);
}

char* AccessLogWriter::write_tsv(char* w) {
  bool first = true;
  for (const auto& o : outputs_) {
    if (!first) *w++ = '\t';
    first = false;
    if (o.column == AccessLogParser::npos) {
      LogTime t;
      if (read_time(t)) w = put_time(w, t, false);
    } else if (parser_.has(o.column)) {
      w = put_tsv_value(w, o.type, parser_.raw(o.column));
    }
  }
  *w++ = '\n';
  return w;
}

// ---- the tool ---------------------------------------------------------------------

CompiledFormat apachelog_format(const std::string& format) {
  // Combined with its referer and agent optional: a Common line stops matching after
  // its byte count, past the anchor, so it is a record with the Common fields.
  if (format.empty() || format == "auto") {
    CompiledFormat f = compile_log_format("combined");
    f.name = "auto";
    return f;
  }
  return compile_log_format(format);
}

namespace {

struct RejectCount {
  std::uint64_t lines = 0;
  std::uint64_t rejected = 0;
  std::string first_input;
  std::uint64_t first_line = 0;
};

// Parses one input. Records are written straight into the output's buffer, which leaves
// in large blocks; the input flushes it before a read that would wait (open_input), so
// lines behind gtail still show at once.
void parse_input(ByteSource& source, AccessLogParser& parser, AccessLogWriter& writer, Output& out,
                 Output* rejects, RejectCount& count) {
  LineReader reader(source);
  static_assert(LineReader::padding >= AccessLogParser::padding);
  parser.set_padded(true);
  std::string_view block;
  std::uint64_t line_no = 0;  // in this input
  while (reader.next_lines(block)) {
    const char* p = block.data();
    const char* end = p + block.size();
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      std::string_view line(p, static_cast<std::size_t>(nl - p));
      p = nl + 1;
      ++line_no;
      ++count.lines;
      if (parser.parse(line)) {
        out.commit(writer.write(out.room(writer.max_size())));
      } else {
        if (count.rejected++ == 0) {
          count.first_input = source.name();
          count.first_line = line_no;
        }
        if (rejects != nullptr) rejects->write_line(line);
      }
    }
    if (rejects != nullptr) rejects->flush();
  }
}

}  // namespace

int run_apachelog(const ApachelogOptions& options, Diagnostics& diag) {
  AccessLogParser parser(apachelog_format(options.format));
  AccessLogWriter writer(parser, options.record);
  Output out(STDOUT_FILENO);
  std::unique_ptr<Output> rejects;
  int rejects_fd = -1;
  if (!options.rejects.empty()) {
    rejects_fd = ::open(options.rejects.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (rejects_fd < 0) throw system_error(options.rejects, errno);
    rejects = std::make_unique<Output>(rejects_fd, options.rejects);
    rejects->set_line_buffered(false);
  }
  out.write(writer.header());
  RejectCount count;
  std::vector<std::string> files = options.files;
  if (files.empty()) files.emplace_back("-");
  for (const auto& file : files) {
    try {
      auto source = open_input(file, &out);
      parse_input(*source, parser, writer, out, rejects.get(), count);
    } catch (const OutputError&) {
      throw;
    } catch (const Error& e) {
      out.flush();  // what was read of it goes out before the message
      diag.error(e);  // on with the next input
    }
  }
  out.flush();
  if (rejects) {
    rejects->flush();
    if (::close(rejects_fd) != 0) throw system_error(options.rejects, errno);
  }
  if (count.rejected > 0) {
    std::string where = files.size() > 1 ? count.first_input + " line " : "line ";
    std::string message = std::to_string(count.rejected) + " of " + std::to_string(count.lines) +
                          " lines did not parse (first: " + where + std::to_string(count.first_line) + ")";
    if (options.strict) diag.error(message);
    else diag.note(message);
  }
  return diag.exit_status();
}

}  // namespace libpipe
