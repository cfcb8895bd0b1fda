#include "libpipe/matcher.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "libpipe/byte_mask.hpp"
#include "libpipe/error.hpp"
#include "libpipe/literal.hpp"

namespace libpipe {

namespace {

// RE2's reason, with a hint when the pattern needs what RE2 deliberately lacks.
[[noreturn]] void bad_pattern(const std::string& pattern, const re2::RE2& re) {
  std::string reason = re.error();
  const std::string& arg = re.error_arg();
  if (!arg.empty() && reason.find(arg) == std::string::npos) reason += ": " + arg;
  bool backtracking = pattern.find("(?=") != std::string::npos || pattern.find("(?!") != std::string::npos ||
                      pattern.find("(?<=") != std::string::npos || pattern.find("(?<!") != std::string::npos;
  for (std::size_t i = 0; i + 1 < pattern.size(); ++i) {
    if (pattern[i] == '\\' && pattern[i + 1] >= '1' && pattern[i + 1] <= '9') backtracking = true;
    if (pattern[i] == '\\') ++i;
  }
  if (backtracking) {
    reason += " (ggrep uses RE2, which has no backreferences or lookaround: they can take "
              "exponential time; use grep -P for them)";
  }
  throw Error("pattern '" + pattern + "'", reason);
}

re2::RE2::Options re2_options(bool ignore_case) {
  re2::RE2::Options o;
  o.set_log_errors(false);
  o.set_never_nl(true);  // a match never spans lines, so the buffer can be searched whole
  o.set_case_sensitive(!ignore_case);
  o.set_max_mem(int64_t{256} << 20);  // room for long -f pattern lists
  return o;
}

bool has_letters_or_non_ascii(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0x80 || static_cast<unsigned>((c | 0x20) - 'a') < 26u) return true;
  }
  return false;
}

// How common a byte is in logs and text (higher: more common). memchr for a rare byte of the
// literal skips far more bytes per call than memmem, which is what makes the search fast.
int commonness(unsigned char c) {
  if (c == ' ') return 255;
  if (c >= '0' && c <= '9') return 200;
  if (std::strchr(".-/:\"", c) != nullptr && c != 0) return 190;
  if (c >= 'a' && c <= 'z') return std::strchr("etaoinsrhldcutp", c) != nullptr ? 150 : 100;
  if (c >= 'A' && c <= 'Z') return std::strchr("GETHP", c) != nullptr ? 120 : 80;
  if (c < 0x80) return 60;
  return 30;
}

// What find_literal looks for with two of the literal's bytes at their distance.
struct PairSearch {
  const char* base;
  std::size_t size;
  const char* lit;
  std::size_t n;
  std::size_t i1, i2;  // the two positions in the literal
  char c1, c2;         // their bytes
};

// Both bytes at their distance, for 64 starting positions at once, from scan on while the
// 64 positions and the bytes read past them fit: the first place the literal starts, or
// SIZE_MAX with scan where the rest begins. Far fewer false candidates than one byte alone
// (for "ply-", 'y' is in every "Mozilla" and "/play").
std::size_t pairs_sse2(const PairSearch& s, std::size_t& scan) noexcept {
  const std::size_t reach = std::max(s.i1, s.i2) + 64;
  while (scan + reach <= s.size) {
    std::uint64_t m = pair_mask64(s.base + scan + s.i1, s.c1, s.base + scan + s.i2, s.c2);
    while (m != 0) {
      std::size_t h = scan + next_bit(m);
      if (h + s.n <= s.size && std::memcmp(s.base + h, s.lit, s.n) == 0) return h;
    }
    scan += 64;
  }
  return SIZE_MAX;
}

#ifdef LIBPIPE_PAIR_MASK_AVX2
// The same with AVX2 (the same loop: a target("avx2") function cannot share an inlined body
// with one built for plain x86-64).
[[gnu::target("avx2")]] std::size_t pairs_avx2(const PairSearch& s, std::size_t& scan) noexcept {
  const std::size_t reach = std::max(s.i1, s.i2) + 64;
  while (scan + reach <= s.size) {
    std::uint64_t m = pair_mask64_avx2(s.base + scan + s.i1, s.c1, s.base + scan + s.i2, s.c2);
    while (m != 0) {
      std::size_t h = scan + next_bit(m);
      if (h + s.n <= s.size && std::memcmp(s.base + h, s.lit, s.n) == 0) return h;
    }
    scan += 64;
  }
  return SIZE_MAX;
}
#else
std::size_t pairs_avx2(const PairSearch& s, std::size_t& scan) noexcept { return pairs_sse2(s, scan); }
#endif

bool cpu_has_avx2() noexcept {
#ifdef LIBPIPE_PAIR_MASK_AVX2
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
#else
  return false;
#endif
}

}  // namespace

Matcher::Matcher(const MatcherOptions& opt) : avx2_(cpu_has_avx2()) {
  // grep treats a pattern with newlines as one pattern per line.
  std::vector<std::string> patterns;
  for (const auto& p : opt.patterns) {
    std::size_t start = 0;
    for (;;) {
      auto nl = p.find('\n', start);
      patterns.push_back(p.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  const auto options = re2_options(opt.ignore_case);
  std::string combined;
  for (const auto& p : patterns) {
    std::string re = opt.fixed ? re2::RE2::QuoteMeta(p) : p;
    if (!opt.fixed) {
      re2::RE2 check(re, options);  // each on its own, so the error names the right one
      if (!check.ok()) bad_pattern(p, check);
    }
    if (!combined.empty()) combined += '|';
    combined += "(?:" + re + ")";
  }
  if (patterns.empty()) combined = "[^\\x00-\\x{10FFFF}]";  // -f of an empty file: matches nothing
  std::string full;
  if (opt.line) {
    full = "(?m)^(?:" + combined + ")$";
  } else if (opt.word) {
    // grep -w: preceded by the start of the line or a non-word character, and followed by
    // the end of the line or a non-word character. The match proper is group 1.
    full = "(?m)(?:^|\\W)(" + combined + ")(?:\\W|$)";
    groups_ = 1;
  } else {
    full = "(?m)" + combined;
  }
  re_ = std::make_unique<re2::RE2>(full, options);
  if (!re_->ok()) bad_pattern(full, *re_);

  if (patterns.size() == 1) {
    RequiredLiteral lit;
    if (opt.fixed) {
      lit.text = patterns[0];
      lit.whole = true;
    } else {
      lit = required_literal(patterns[0]);
    }
    // Case folding maps letters (and some non-ASCII characters) onto others: a literal
    // with either cannot be searched for byte for byte.
    if (!(opt.ignore_case && has_letters_or_non_ascii(lit.text))) {
      literal_ = lit.text;
      literal_is_match_ = lit.whole && !opt.line && !opt.word && !literal_.empty();
      auto rarer = [&](std::size_t i, std::size_t than) {
        return commonness(static_cast<unsigned char>(literal_[i])) < commonness(static_cast<unsigned char>(literal_[than]));
      };
      for (std::size_t i = 1; i < literal_.size(); ++i) {
        if (rarer(i, rare_)) rare_ = i;
      }
      rare2_ = rare_ == 0 && literal_.size() > 1 ? 1 : 0;
      for (std::size_t i = 0; i < literal_.size(); ++i) {
        if (i != rare_ && i != rare2_ && rarer(i, rare2_)) rare2_ = i;
      }
    }
    // -i folds, -w and -x add conditions: those stay with RE2.
    if (!opt.fixed && !opt.ignore_case && !opt.word && !opt.line) {
      chain_ = literal_chain(patterns[0]);
      chain_starts_with_literal_ = !chain_.empty() && !literal_.empty() && chain_[0] == literal_;
      for (const auto& piece : chain_) {
        std::size_t r = 0;
        for (std::size_t i = 1; i < piece.size(); ++i) {
          if (commonness(static_cast<unsigned char>(piece[i])) < commonness(static_cast<unsigned char>(piece[r]))) r = i;
        }
        chain_rare_.push_back(r);
      }
    }
  }
}

Matcher::~Matcher() = default;
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;

bool Matcher::matches(std::string_view line) const { return confirm(line, std::string_view::npos); }

bool Matcher::confirm(std::string_view line, std::size_t at) const {
  if (!chain_.empty()) {
    const int known = chain_matches(line, chain_starts_with_literal_ ? at : std::string_view::npos);
    if (known >= 0) return known == 1;
  }
  return re_->Match(re2::StringPiece(line.data(), line.size()), 0, line.size(), re2::RE2::UNANCHORED, nullptr, 0);
}

namespace {

// Where needle first occurs in hay at or after from, or npos: memchr for its byte at `rare`
// (the least common in logs), then a comparison. Lines are short and pieces a few bytes long:
// this beats memmem's setup.
std::size_t find_piece(std::string_view hay, const std::string& needle, std::size_t rare, std::size_t from) noexcept {
  const std::size_t n = needle.size();
  while (from + n <= hay.size()) {
    auto* hit = static_cast<const char*>(std::memchr(hay.data() + from + rare, needle[rare], hay.size() - n + 1 - from));
    if (hit == nullptr) return std::string_view::npos;
    const auto at = static_cast<std::size_t>(hit - hay.data()) - rare;
    if (std::memcmp(hay.data() + at, needle.data(), n) == 0) return at;
    from = at + 1;
  }
  return std::string_view::npos;
}

bool all_ascii(const char* p, std::size_t n) noexcept {
  unsigned char any = 0;
  for (std::size_t i = 0; i < n; ++i) any |= static_cast<unsigned char>(p[i]);
  return any < 0x80;
}

}  // namespace

int Matcher::chain_matches(std::string_view line, std::size_t first_at) const noexcept {
  // Each piece at its first place after the one before: if any match exists, its pieces lie
  // at or after these, so a piece missing here means no match at all. The bytes between must
  // each be a character `.` takes; ASCII ones are (the line holds no '\n'), others are for
  // RE2 to judge, since broken UTF-8 is not one.
  std::size_t at = first_at != std::string_view::npos ? first_at : find_piece(line, chain_[0], chain_rare_[0], 0);
  if (at == std::string_view::npos) return 0;
  std::size_t end = at + chain_[0].size();
  bool ascii = true;
  for (std::size_t k = 1; k < chain_.size(); ++k) {
    at = find_piece(line, chain_[k], chain_rare_[k], end);
    if (at == std::string_view::npos) return 0;
    ascii = ascii && all_ascii(line.data() + end, at - end);
    end = at + chain_[k].size();
  }
  return ascii ? 1 : -1;
}

void Matcher::tune(std::string_view sample) {
  if (tuned_ || literal_.size() < 2) return;
  tuned_ = true;
  sample = sample.substr(0, std::size_t{256} << 10);
  // The (at most) six rarest positions by the table, and of their pairs the one whose bytes
  // stand at their distance in the fewest places of the sample.
  std::vector<std::size_t> pos(literal_.size());
  for (std::size_t i = 0; i < pos.size(); ++i) pos[i] = i;
  std::stable_sort(pos.begin(), pos.end(), [&](std::size_t a, std::size_t b) {
    return commonness(static_cast<unsigned char>(literal_[a])) < commonness(static_cast<unsigned char>(literal_[b]));
  });
  pos.resize(std::min<std::size_t>(pos.size(), 6));
  std::size_t best = SIZE_MAX;
  for (std::size_t x = 0; x < pos.size(); ++x) {
    for (std::size_t y = x + 1; y < pos.size(); ++y) {
      const std::size_t i = pos[x], j = pos[y];
      const std::size_t reach = std::max(i, j) + 64;
      std::size_t count = 0;
      for (std::size_t at = 0; at + reach <= sample.size(); at += 64) {
        count += static_cast<std::size_t>(
            __builtin_popcountll(pair_mask64(sample.data() + at + i, literal_[i], sample.data() + at + j, literal_[j])));
      }
      if (count < best) {
        best = count;
        rare_ = i;
        rare2_ = j;
      }
    }
  }
}

std::size_t Matcher::find_literal(const char* base, std::size_t size, std::size_t from) const noexcept {
  const std::size_t n = literal_.size();
  const char* lit = literal_.data();
  std::size_t scan = from;  // where the literal may start
  if (rare2_ != rare_) {
    const PairSearch pairs{base, size, lit, n, rare_, rare2_, lit[rare_], lit[rare2_]};
    const std::size_t h = avx2_ ? pairs_avx2(pairs, scan) : pairs_sse2(pairs, scan);
    if (h != SIZE_MAX) return h;
  }
  // The rest (or a one-byte literal): memchr for the rarest byte, then compare.
  const char rare = lit[rare_];
  while (scan + n <= size) {
    auto* hit = static_cast<const char*>(std::memchr(base + scan + rare_, rare, size - scan - rare_));
    if (hit == nullptr) return size;
    auto h = static_cast<std::size_t>(hit - base) - rare_;  // where the literal would start
    if (h + n <= size && std::memcmp(base + h, lit, n) == 0) return h;
    scan = h + 1;
  }
  return size;
}

bool Matcher::find_line(std::string_view text, std::size_t from, std::size_t& begin, std::size_t& end) const {
  const char* base = text.data();
  const std::size_t size = text.size();
  if (!literal_.empty()) {
    std::size_t line_floor = from;  // a line start: nothing before it is searched again
    for (;;) {
      const std::size_t h = find_literal(base, size, line_floor);
      if (h == size) return false;
      auto* before = static_cast<const char*>(::memrchr(base + line_floor, '\n', h - line_floor));
      std::size_t b = before ? static_cast<std::size_t>(before - base) + 1 : line_floor;
      auto* nl = static_cast<const char*>(std::memchr(base + h, '\n', size - h));
      std::size_t e = nl ? static_cast<std::size_t>(nl - base) : size;
      if (literal_is_match_ || confirm(text.substr(b, e - b), h - b)) {
        begin = b;
        end = e;
        return true;
      }
      if (e == size) return false;
      line_floor = e + 1;
    }
  }
  re2::StringPiece whole(base, size), m;
  if (from >= size || !re_->Match(whole, from, size, re2::RE2::UNANCHORED, &m, 1)) return false;
  auto h = static_cast<std::size_t>(m.data() - base);
  if (h >= size) return false;  // an empty match after the last line
  auto* before = static_cast<const char*>(::memrchr(base + from, '\n', h - from));
  begin = before ? static_cast<std::size_t>(before - base) + 1 : from;
  auto* nl = static_cast<const char*>(std::memchr(base + h, '\n', size - h));
  end = nl ? static_cast<std::size_t>(nl - base) : size;
  return true;
}

bool Matcher::next_match(std::string_view line, std::size_t from, std::size_t& begin, std::size_t& end) const {
  re2::StringPiece text(line.data(), line.size());
  re2::StringPiece m[2];
  while (from <= line.size()) {
    if (!re_->Match(text, from, line.size(), re2::RE2::UNANCHORED, m, groups_ + 1)) return false;
    const re2::StringPiece& g = m[groups_];
    auto b = static_cast<std::size_t>(g.data() - line.data());
    if (!g.empty()) {
      begin = b;
      end = b + g.size();
      return true;
    }
    // An empty match shows nothing: look again one character further on.
    std::size_t next = std::max(b, from) + 1;
    while (next < line.size() && (static_cast<unsigned char>(line[next]) & 0xc0) == 0x80) ++next;
    from = next;
  }
  return false;
}

}  // namespace libpipe
