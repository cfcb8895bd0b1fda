#pragma once
// ggrep's matcher: finds the lines of a buffer that match, the way GNU grep and ripgrep do.
// The whole buffer (many lines) is searched at once — for the pattern's required literal
// when it has one (literal.hpp), else with RE2 itself — and only the line around a candidate
// is confirmed with RE2. The literal is found by two of its rarest bytes at their distance,
// 64 positions at a time (byte_mask.hpp; ripgrep's "packed pair"), and then compared. RE2 runs
// in linear time, so no pattern and no line can make a search hang, and no match ever crosses
// a newline (RE2's never_nl). A pattern that is plain text joined by `.*` (`ply-.*\.gz`) needs
// no RE2 to confirm a line: the pieces are looked for in order (literal_chain, literal.hpp).
//
//   libpipe::Matcher m({.patterns = {R"(ply-.*\.gz)"}});
//   std::size_t b, e;
//   if (m.find_line(block, 0, b, e)) …   // block[b, e) is the first matching line (e: its '\n')
//
// Patterns RE2 cannot take (backreferences, lookaround) throw Error with RE2's reason.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace libpipe {

struct MatcherOptions {
  std::vector<std::string> patterns;  // a line matches when any of them does
  bool fixed = false;                 // -F: the patterns are plain text
  bool ignore_case = false;           // -i
  bool word = false;                  // -w: the match must be a whole word
  bool line = false;                  // -x: the match must be the whole line
};

class Matcher {
 public:
  explicit Matcher(const MatcherOptions& options);
  ~Matcher();
  Matcher(Matcher&&) noexcept;
  Matcher& operator=(Matcher&&) noexcept;

  // The first matching line of text[from, size): text holds whole lines, each ending in '\n'
  // (from is the start of one). Sets [begin, end), end being the position of its '\n'.
  bool find_line(std::string_view text, std::size_t from, std::size_t& begin, std::size_t& end) const;

  // Whether one line (without its '\n') matches.
  bool matches(std::string_view line) const;

  // The next non-empty match in line at or after `from` (for -o and --color).
  bool next_match(std::string_view line, std::size_t from, std::size_t& begin, std::size_t& end) const;

  // Picks the two bytes of the literal searched for by how rarely they occur together in a
  // sample of the input (its first block), instead of by a table of common bytes: for "ply-"
  // in a log that holds "/ply/" on many lines, "y-" is rarer than "p?y". Optional.
  void tune(std::string_view sample);

  // Where the literal next occurs in [base + from, base + size), or size when nowhere.
  std::size_t find_literal(const char* base, std::size_t size, std::size_t from) const noexcept;

  // Makes the pair search use SSE2 even where AVX2 is there (tests compare the two).
  void without_avx2() noexcept { avx2_ = false; }

  // The literal that candidates are searched for (empty: none).
  const std::string& literal() const noexcept { return literal_; }

  // The pieces of text joined by `.*` that the pattern is (literal.hpp's literal_chain), when
  // lines are matched without RE2; empty when RE2 decides.
  const std::vector<std::string>& chain() const noexcept { return chain_; }

 private:
  // A line holding the literal at `at` (or npos: not known where) against the pattern.
  bool confirm(std::string_view line, std::size_t at) const;
  // The chain's answer: 1 a match, 0 none, -1 unknown (non-ASCII bytes between pieces).
  int chain_matches(std::string_view line, std::size_t first_at) const noexcept;

  std::unique_ptr<re2::RE2> re_;
  std::string literal_;
  std::size_t rare_ = 0;           // the literal's rarest byte, searched for with memchr
  std::size_t rare2_ = 0;          // the rarest at another position (rare_ again: one byte)
  bool tuned_ = false;
  bool avx2_ = false;              // the pair search may use AVX2 (the CPU has it)
  bool literal_is_match_ = false;  // finding the literal is finding a match
  int groups_ = 0;                 // submatch holding the match proper (1 with -w)
  std::vector<std::string> chain_;
  std::vector<std::size_t> chain_rare_;  // each piece's least common byte, searched for first
  bool chain_starts_with_literal_ = false;  // chain_[0] is literal_: its first hit is known
};

}  // namespace libpipe
