#include "libpipe/literal.hpp"

#include <cctype>

namespace libpipe {

namespace {

// What a piece of pattern (an alternation, a sequence) guarantees about its matches.
struct Info {
  std::string best;        // the longest literal every match contains
  bool exact = true;       // every match is exactly `text`
  std::string text;        // when exact
};

// A recursive-descent reader of just enough RE2 syntax. Whatever it does not understand
// sets `failed`, and then no literal is claimed at all.
class Analyzer {
 public:
  explicit Analyzer(std::string_view p) : p_(p) {}

  RequiredLiteral run() {
    Info info = alternation();
    if (failed_ || i_ != p_.size()) return {};
    RequiredLiteral r;
    r.text = info.best;
    r.whole = info.exact && !info.text.empty();
    if (r.whole) r.text = info.text;
    return r;
  }

 private:
  bool at_end() const { return i_ >= p_.size(); }
  char peek() const { return p_[i_]; }

  Info alternation() {
    Info first = sequence();
    if (at_end() || peek() != '|') return first;
    while (!at_end() && peek() == '|') {
      ++i_;
      sequence();  // read for syntax only: no single literal is common to all branches
    }
    return Info{"", false, ""};
  }

  // A quantifier after an atom, as the least number of repetitions; -1 when none.
  int quantifier() {
    if (at_end()) return -1;
    char c = peek();
    int min = -1;
    if (c == '*' || c == '?') {
      min = 0;
      ++i_;
    } else if (c == '+') {
      min = 1;
      ++i_;
    } else if (c == '{') {
      // {n}, {n,} or {n,m}; anything else is a literal '{' in RE2, which we do not try to use
      std::size_t j = i_ + 1;
      int n = 0;
      bool digits = false;
      while (j < p_.size() && std::isdigit(static_cast<unsigned char>(p_[j]))) {
        if (n < 100000) n = n * 10 + (p_[j] - '0');
        digits = true;
        ++j;
      }
      if (!digits) {
        failed_ = true;
        return -1;
      }
      if (j < p_.size() && p_[j] == ',') {
        ++j;
        while (j < p_.size() && std::isdigit(static_cast<unsigned char>(p_[j]))) ++j;
      }
      if (j >= p_.size() || p_[j] != '}') {
        failed_ = true;
        return -1;
      }
      i_ = j + 1;
      min = n;
    } else {
      return -1;
    }
    if (!at_end() && peek() == '?') ++i_;  // non-greedy: the same matches
    if (!at_end() && (peek() == '*' || peek() == '+' || peek() == '?' || peek() == '{')) failed_ = true;
    return min;
  }

  Info sequence() {
    Info info;
    std::string run;  // literal text known to be contiguous in every match
    auto finish = [&](const std::string& s) {
      if (s.size() > info.best.size()) info.best = s;
    };
    auto broken = [&] {
      finish(run);
      run.clear();
      info.exact = false;
    };
    while (!at_end() && !failed_) {
      char c = peek();
      if (c == '|' || c == ')') break;
      std::string lit;     // the atom as literal text, when it is one
      bool literal = false;
      Info group;
      bool is_group = false;
      if (c == '(') {
        ++i_;
        if (!at_end() && peek() == '?') {
          ++i_;
          // (?flags) (?flags:re) (?P<name>re) (?<name>re)
          if (!at_end() && (peek() == 'P' || peek() == '<')) {
            auto close = p_.find('>', i_);
            if (close == std::string_view::npos) {
              failed_ = true;
              break;
            }
            i_ = close + 1;
          } else {
            bool flags_only = false;
            while (!at_end()) {
              char f = peek();
              if (f == 'i') failed_ = true;  // case folding: the literal's bytes may differ
              if (f == ')') {
                flags_only = true;
                break;
              }
              if (f == ':') break;
              if (f != 'm' && f != 's' && f != 'U' && f != '-') failed_ = true;
              ++i_;
            }
            if (at_end() || failed_) {
              failed_ = true;
              break;
            }
            ++i_;
            if (flags_only) continue;  // (?s), (?m), (?U) change no literal
          }
        }
        group = alternation();
        if (at_end() || peek() != ')') {
          failed_ = true;
          break;
        }
        ++i_;
        is_group = true;
      } else if (c == '[') {
        skip_class();
      } else if (c == '\\') {
        ++i_;
        if (at_end()) {
          failed_ = true;
          break;
        }
        char e = peek();
        ++i_;
        if (std::ispunct(static_cast<unsigned char>(e))) {
          lit = std::string(1, e);
          literal = true;
        } else if (e == 't' || e == 'f' || e == 'v' || e == 'r' || e == 'a') {
          lit = std::string(1, e == 't' ? '\t' : e == 'f' ? '\f' : e == 'v' ? '\v' : e == 'r' ? '\r' : '\a');
          literal = true;
        } else if (e == 'x') {
          skip_braced_or(2);
        } else if (e == 'p' || e == 'P') {
          skip_braced_or(1);
        } else if (std::isdigit(static_cast<unsigned char>(e))) {
          while (!at_end() && std::isdigit(static_cast<unsigned char>(peek()))) ++i_;
        } else if (e == 'Q') {
          failed_ = true;  // \Q…\E: literal text that this reader does not track
        } else if (std::string_view("dDsSwWbBAzCn").find(e) == std::string_view::npos) {
          failed_ = true;
        }
      } else if (c == '*' || c == '+' || c == '?' || c == '{') {
        failed_ = true;  // a repetition with nothing to repeat: RE2 rejects it
      } else if (c == '.' || c == '^' || c == '$') {
        ++i_;
      } else if (c == '\n') {
        ++i_;  // never in a line
      } else {
        // One character: a UTF-8 sequence is one unit for the quantifier that may follow.
        std::size_t j = i_ + 1;
        if (static_cast<unsigned char>(c) >= 0xc0) {
          while (j < p_.size() && (static_cast<unsigned char>(p_[j]) & 0xc0) == 0x80) ++j;
        }
        lit = std::string(p_.substr(i_, j - i_));
        i_ = j;
        literal = true;
      }
      if (failed_) break;
      int min = quantifier();
      if (failed_) break;
      if (is_group && group.exact) {
        literal = true;
        lit = group.text;
      }
      if (literal) {
        if (min < 0) {
          run += lit;
          info.text += lit;
        } else if (min == 0) {
          broken();
        } else {  // at least once: the run ends with one copy, and a new run starts with one
          run += lit;
          broken();
          run = lit;
        }
      } else if (is_group) {
        if (min != 0) finish(group.best);
        broken();
      } else {
        broken();
      }
    }
    finish(run);
    if (!info.exact) info.text.clear();
    return info;
  }

  void skip_class() {
    ++i_;  // '['
    if (!at_end() && peek() == '^') ++i_;
    if (!at_end() && peek() == ']') ++i_;  // a leading ']' is a member
    while (!at_end()) {
      char c = peek();
      if (c == ']') {
        ++i_;
        return;
      }
      if (c == '[' && i_ + 1 < p_.size() && p_[i_ + 1] == ':') {
        auto close = p_.find(":]", i_ + 2);
        if (close == std::string_view::npos) break;
        i_ = close + 2;
        continue;
      }
      if (c == '\\') {
        ++i_;
        if (at_end()) break;
        char e = peek();
        ++i_;
        if (e == 'x') skip_braced_or(2);
        if (e == 'p' || e == 'P') skip_braced_or(1);
        if (e == 'Q') break;
        continue;
      }
      ++i_;
    }
    failed_ = true;
  }

  // After \x or \p: a {…} group, or a fixed number of characters.
  void skip_braced_or(std::size_t count) {
    if (!at_end() && peek() == '{') {
      auto close = p_.find('}', i_);
      if (close == std::string_view::npos) {
        failed_ = true;
        return;
      }
      i_ = close + 1;
    } else {
      i_ = std::min(p_.size(), i_ + count);
    }
  }

  std::string_view p_;
  std::size_t i_ = 0;
  bool failed_ = false;
};

}  // namespace

RequiredLiteral required_literal(std::string_view pattern) { return Analyzer(pattern).run(); }

std::vector<std::string> literal_chain(std::string_view pattern) {
  std::vector<std::string> pieces(1);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const auto c = static_cast<unsigned char>(pattern[i]);
    if (c == '.' && i + 1 < pattern.size() && pattern[i + 1] == '*') {
      ++i;
      // `.*?` and `.**` are other shapes; an empty piece (a leading, trailing or doubled
      // `.*`) is left to RE2 too, which keeps the rule for a match simple.
      if (i + 1 < pattern.size() && (pattern[i + 1] == '?' || pattern[i + 1] == '*' || pattern[i + 1] == '+')) return {};
      if (pieces.back().empty()) return {};
      pieces.emplace_back();
    } else if (c == '\\' && i + 1 < pattern.size() && static_cast<unsigned char>(pattern[i + 1]) < 0x80 &&
               std::ispunct(static_cast<unsigned char>(pattern[i + 1]))) {
      pieces.back() += pattern[++i];  // an escaped punctuation character is itself
    } else if (c >= 0x20 && c < 0x7f && std::string_view(R"(\.+*?()|[]{}^$)").find(static_cast<char>(c)) == std::string_view::npos) {
      pieces.back() += static_cast<char>(c);
    } else {
      return {};  // anything else: a class, a group, an anchor, a control or non-ASCII byte
    }
  }
  if (pieces.size() < 2 || pieces.back().empty()) return {};
  return pieces;
}

}  // namespace libpipe
