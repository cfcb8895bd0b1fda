#include "libpipe/glob.hpp"

#include <algorithm>

namespace libpipe {

std::uint32_t next_code_point(const char*& p, const char* end) noexcept {
  auto byte = [&](std::ptrdiff_t k) { return static_cast<unsigned char>(p[k]); };
  const unsigned b0 = byte(0);
  if (b0 < 0x80) {
    ++p;
    return b0;
  }
  const std::ptrdiff_t left = end - p;
  auto cont = [&](std::ptrdiff_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return k < left && byte(k) >= lo && byte(k) <= hi;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF && cont(1)) {
    p += 2;
    return ((b0 & 0x1Fu) << 6) | (byte(-1) & 0x3Fu);
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    // The second byte's range excludes overlong forms (E0) and surrogates (ED).
    const unsigned lo = b0 == 0xE0 ? 0xA0 : 0x80, hi = b0 == 0xED ? 0x9F : 0xBF;
    if (cont(1, lo, hi) && cont(2)) {
      std::uint32_t cp = ((b0 & 0x0Fu) << 12) | ((byte(1) & 0x3Fu) << 6) | (byte(2) & 0x3Fu);
      p += 3;
      return cp;
    }
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const unsigned lo = b0 == 0xF0 ? 0x90 : 0x80, hi = b0 == 0xF4 ? 0x8F : 0xBF;
    if (cont(1, lo, hi) && cont(2) && cont(3)) {
      std::uint32_t cp = ((b0 & 0x07u) << 18) | ((byte(1) & 0x3Fu) << 12) | ((byte(2) & 0x3Fu) << 6) |
                         (byte(3) & 0x3Fu);
      p += 4;
      return cp;
    }
  }
  ++p;
  return 0x110000u + b0;
}

namespace {
constexpr std::uint32_t slash = '/';

std::vector<std::uint32_t> code_points(std::string_view s) {
  std::vector<std::uint32_t> cps;
  cps.reserve(s.size());
  const char* p = s.data();
  const char* end = p + s.size();
  while (p < end) cps.push_back(next_code_point(p, end));
  return cps;
}
}  // namespace

bool Glob::Set::contains(std::uint32_t cp) const {
  bool in = false;
  if (cp < 128) {
    in = (ascii[cp >> 6] >> (cp & 63)) & 1;
  } else {
    for (const auto& [lo, hi] : ranges) {
      if (cp >= lo && cp <= hi) {
        in = true;
        break;
      }
    }
  }
  return in != negated;
}

Glob::Glob(std::string_view pattern, Mode mode) : pattern_(pattern), mode_(mode) {
  compile();
  choose_fast_path();
}

void Glob::compile() {
  const std::vector<std::uint32_t> cps = code_points(pattern_);
  const std::size_t n = cps.size();
  auto push = [&](Op op, std::uint32_t cp = 0, std::uint32_t arg = 0) { tokens_.push_back({op, cp, arg}); };
  for (std::size_t i = 0; i < n;) {
    const std::uint32_t c = cps[i];
    if (c == '*') {
      std::size_t j = i;
      while (j < n && cps[j] == '*') ++j;
      // In path mode `**` is special only as a whole component, as in pathlib.
      const bool whole = mode_ == path && j - i == 2 && (i == 0 || cps[i - 1] == slash) &&
                         (j == n || cps[j] == slash);
      if (whole && j < n) {
        const auto at = static_cast<std::uint32_t>(tokens_.size());
        push(Op::skip_dirs, 0, at + 3);
        push(Op::any_run);
        push(Op::literal, slash);
        i = j + 1;
        continue;
      }
      if (whole) {
        push(Op::any_run);
      } else if (tokens_.empty() || tokens_.back().op != Op::star) {
        push(Op::star);
      }
      i = j;
    } else if (c == '?') {
      push(Op::any);
      ++i;
    } else if (c == '[') {
      // fnmatch: `!` negates, then a `]` belongs to the set, then the set runs to the next
      // `]`. No closing `]` (or, in path mode, a `/` first): the `[` is literal.
      std::size_t j = i + 1;
      if (j < n && cps[j] == '!') ++j;
      if (j < n && cps[j] == ']') ++j;
      while (j < n && cps[j] != ']' && !(mode_ == path && cps[j] == slash)) ++j;
      if (j >= n || cps[j] != ']') {
        push(Op::literal, c);
        ++i;
        continue;
      }
      Set set;
      std::size_t k = i + 1;
      if (cps[k] == '!') {
        set.negated = true;
        ++k;
      }
      auto add = [&set](std::uint32_t lo, std::uint32_t hi) {
        for (; lo <= hi && lo < 128; ++lo) set.ascii[lo >> 6] |= std::uint64_t{1} << (lo & 63);
        if (lo <= hi) set.ranges.emplace_back(lo, hi);
      };
      // Items left to right: `a-z` is a range when both ends exist; an empty range (`z-a`)
      // matches nothing; any other `-` is literal. This is what fnmatch.translate does.
      while (k < j) {
        if (k + 2 < j && cps[k + 1] == '-') {
          add(cps[k], cps[k + 2]);
          k += 3;
        } else {
          add(cps[k], cps[k]);
          ++k;
        }
      }
      push(Op::set, 0, static_cast<std::uint32_t>(sets_.size()));
      sets_.push_back(std::move(set));
      i = j + 1;
    } else {
      push(Op::literal, c);
      ++i;
    }
  }
}

void Glob::choose_fast_path() {
  // Shapes of literals and at most two stars, in name mode, with ASCII literals only (an
  // ASCII byte is always a whole character, so byte comparisons agree with the matcher).
  std::vector<std::string> parts(1);
  for (const Token& t : tokens_) {
    if (t.op == Op::star && mode_ == name) {
      parts.emplace_back();
    } else if (t.op == Op::literal && t.cp < 128) {
      parts.back() += static_cast<char>(t.cp);
    } else {
      return;
    }
  }
  if (parts.size() == 1) {
    fast_ = Fast::exact;
    fast_a_ = parts[0];
  } else if (parts.size() == 2) {
    fast_a_ = parts[0];
    fast_b_ = parts[1];
    fast_ = fast_a_.empty() ? (fast_b_.empty() ? Fast::all : Fast::suffix)
                            : (fast_b_.empty() ? Fast::prefix : Fast::prefix_suffix);
  } else if (parts.size() == 3 && parts[0].empty() && parts[2].empty()) {
    fast_ = Fast::infix;
    fast_a_ = parts[1];
  }
}

bool Glob::matches(std::string_view text) const {
  switch (fast_) {
    case Fast::all: return true;
    case Fast::exact: return text == fast_a_;
    case Fast::prefix: return text.starts_with(fast_a_);
    case Fast::suffix: return text.ends_with(fast_b_);
    case Fast::infix: return text.find(fast_a_) != std::string_view::npos;
    case Fast::prefix_suffix:
      return text.size() >= fast_a_.size() + fast_b_.size() && text.starts_with(fast_a_) &&
             text.ends_with(fast_b_);
    case Fast::none: break;
  }
  return matches_general(text);
}

bool Glob::step_matches(const Token& t, std::uint32_t cp) const {
  switch (t.op) {
    case Op::literal: return cp == t.cp;
    case Op::any: return mode_ == name || cp != slash;
    case Op::set: return (mode_ == name || cp != slash) && sets_[t.arg].contains(cp);
    default: return false;
  }
}

// Marks state i active, with every state reachable from it without reading a character
// (a star can match nothing; `**/` can match no directory). Iterative: patterns of many
// `**/` chain far.
void Glob::add_state(std::vector<std::uint8_t>& states, std::uint32_t i) const {
  std::uint32_t stack[64];
  std::vector<std::uint32_t> more;
  std::size_t top = 0;
  auto push = [&](std::uint32_t s) {
    if (states[s]) return;
    states[s] = 1;
    if (top < 64) {
      stack[top++] = s;
    } else {
      more.push_back(s);
    }
  };
  push(i);
  const auto n = static_cast<std::uint32_t>(tokens_.size());
  for (;;) {
    std::uint32_t s;
    if (!more.empty()) {
      s = more.back();
      more.pop_back();
    } else if (top > 0) {
      s = stack[--top];
    } else {
      break;
    }
    if (s == n) continue;
    const Token& t = tokens_[s];
    if (t.op == Op::star || t.op == Op::any_run) push(s + 1);
    if (t.op == Op::skip_dirs) {
      push(s + 1);
      push(t.arg);
    }
  }
}

bool Glob::matches_general(std::string_view text) const {
  // A simulation of the pattern's automaton: the set of pattern positions reachable after
  // each character. Time is the text's length times the pattern's, whatever both hold.
  const auto n = static_cast<std::uint32_t>(tokens_.size());
  std::vector<std::uint8_t> cur(n + 1, 0), next(n + 1, 0);
  add_state(cur, 0);
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const std::uint32_t cp = next_code_point(p, end);
    std::fill(next.begin(), next.end(), 0);
    bool any = false;
    for (std::uint32_t s = 0; s < n; ++s) {
      if (!cur[s]) continue;
      const Token& t = tokens_[s];
      switch (t.op) {
        case Op::star:
          if (mode_ == name || cp != slash) {
            add_state(next, s);
            any = true;
          }
          break;
        case Op::any_run:
          add_state(next, s);
          any = true;
          break;
        case Op::skip_dirs: break;
        default:
          if (step_matches(t, cp)) {
            add_state(next, s + 1);
            any = true;
          }
      }
    }
    if (!any) return false;
    cur.swap(next);
  }
  return cur[n] != 0;
}

}  // namespace libpipe
