#pragma once
// Shell-style wildcards as Python's fnmatch and Path.rglob understand them, for gfind:
// `*` any run of characters, `?` one character, `[abc]` `[a-z]` one of a set, `[!x]` one
// character not in the set. As in fnmatch, a backslash is an ordinary character (write
// `[*]` for a literal star), `[` without a closing `]` is literal, a `]` right after `[` or
// `[!` belongs to the set, and `^` does not negate. Wildcards match leading dots too
// (rglob lists hidden files, and so does find). Characters are UTF-8 code points, so `?`
// matches `é` as one character; bytes that are not valid UTF-8 each count as one
// character matching only themselves.
//
// In path mode a wildcard never matches `/`, and `**` matches any run including `/`;
// `**/` matches zero or more whole directories (`www/**/*.gz` matches `www/a.gz` and
// `www/x/y/a.gz`).
//
//   libpipe::Glob g("access-log*");
//   g.matches("access-log.1.gz");           // true
//   libpipe::Glob p("www/**/*.gz", libpipe::Glob::path);
//   p.matches("www/foo/access-log-0108.gz"); // true
//
// Matching is linear in the text for each pattern position (no backtracking blow-up,
// whatever the pattern), and common shapes (`*.h`, `access-log*`, `*foo*`, a plain name)
// take a fast path of plain byte comparisons.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace libpipe {

class Glob {
 public:
  enum Mode { name, path };

  explicit Glob(std::string_view pattern, Mode mode = name);

  bool matches(std::string_view text) const;
  // The general matcher, bypassing the fast paths (for tests and the fuzz target).
  bool matches_general(std::string_view text) const;

  const std::string& pattern() const noexcept { return pattern_; }
  Mode mode() const noexcept { return mode_; }
  // True when the pattern has no wildcard at all.
  bool is_literal() const noexcept { return fast_ == Fast::exact; }

 private:
  enum class Op : std::uint8_t {
    literal,    // the code point `cp`
    any,        // ?
    set,        // [...]: sets_[arg]
    star,       // * (in path mode: not across /)
    any_run,    // ** in path mode: anything, / included
    skip_dirs,  // start of `**/`: may jump to `arg` (zero directories)
  };
  struct Token {
    Op op;
    std::uint32_t cp = 0;
    std::uint32_t arg = 0;
  };
  struct Set {
    bool negated = false;
    std::uint64_t ascii[2] = {0, 0};
    std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;  // code points above 127
    bool contains(std::uint32_t cp) const;
  };
  enum class Fast : std::uint8_t { none, all, exact, prefix, suffix, infix, prefix_suffix };

  void compile();
  std::size_t parse_set(std::size_t i);
  void choose_fast_path();
  bool step_matches(const Token& t, std::uint32_t cp) const;
  void add_state(std::vector<std::uint8_t>& states, std::uint32_t i) const;

  std::string pattern_;
  Mode mode_;
  std::vector<Token> tokens_;
  std::vector<Set> sets_;
  Fast fast_ = Fast::none;
  std::string fast_a_, fast_b_;  // literal parts of the fast shapes
};

// Decodes one UTF-8 code point at p (p < end) and advances p. A byte that does not start
// a valid sequence is returned as 0x110000 + byte, so it only ever equals itself.
std::uint32_t next_code_point(const char*& p, const char* end) noexcept;

}  // namespace libpipe
