// Any pattern against any text, in both modes: the glob matcher must never crash or hang,
// its fast paths must agree with its automaton, and both must agree with a second,
// independent matcher written here the slow, obvious way (backtracking with a memo over
// pattern and text positions, straight from the rules in glob.hpp).
//
// Input: one byte of flags (bit 0: path mode), then the pattern, a NUL, the text.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "libpipe/glob.hpp"

namespace {

class Reference {
 public:
  Reference(std::string_view pattern, std::string_view text, bool path)
      : p_(decode(pattern)), t_(decode(text)), path_(path), memo_((p_.size() + 1) * (t_.size() + 1), -1) {}

  bool match() { return at(0, 0); }

 private:
  static std::vector<std::uint32_t> decode(std::string_view s) {
    std::vector<std::uint32_t> out;
    const char* p = s.data();
    const char* end = p + s.size();
    while (p < end) out.push_back(libpipe::next_code_point(p, end));
    return out;
  }

  bool wild_ok(std::uint32_t c) const { return !path_ || c != '/'; }

  bool at(std::size_t pi, std::size_t ti) {
    signed char& m = memo_[pi * (t_.size() + 1) + ti];
    if (m < 0) m = compute(pi, ti) ? 1 : 0;
    return m == 1;
  }

  bool compute(std::size_t pi, std::size_t ti) {
    const std::size_t np = p_.size(), nt = t_.size();
    if (pi == np) return ti == nt;
    const std::uint32_t c = p_[pi];
    if (c == '*') {
      std::size_t j = pi;
      while (j < np && p_[j] == '*') ++j;
      const bool whole = path_ && j - pi == 2 && (pi == 0 || p_[pi - 1] == '/') && (j == np || p_[j] == '/');
      if (whole && j == np) return true;
      if (whole) {
        // `**/`: no directory, or anything ending with '/'.
        if (at(j + 1, ti)) return true;
        for (std::size_t k = ti; k < nt; ++k) {
          if (t_[k] == '/' && at(j + 1, k + 1)) return true;
        }
        return false;
      }
      for (std::size_t k = ti;; ++k) {
        if (at(j, k)) return true;
        if (k == nt || !wild_ok(t_[k])) return false;
      }
    }
    if (c == '?') return ti < nt && wild_ok(t_[ti]) && at(pi + 1, ti + 1);
    if (c == '[') {
      std::size_t j = pi + 1;
      if (j < np && p_[j] == '!') ++j;
      if (j < np && p_[j] == ']') ++j;
      while (j < np && p_[j] != ']' && !(path_ && p_[j] == '/')) ++j;
      if (j < np && p_[j] == ']') {
        if (ti == nt || !wild_ok(t_[ti])) return false;
        std::size_t k = pi + 1;
        bool negated = false;
        if (p_[k] == '!') {
          negated = true;
          ++k;
        }
        bool in = false;
        const std::uint32_t x = t_[ti];
        while (k < j) {
          if (k + 2 < j && p_[k + 1] == '-') {
            in = in || (p_[k] <= x && x <= p_[k + 2]);
            k += 3;
          } else {
            in = in || p_[k] == x;
            ++k;
          }
        }
        return in != negated && at(j + 1, ti + 1);
      }
    }
    return ti < nt && t_[ti] == c && at(pi + 1, ti + 1);
  }

  std::vector<std::uint32_t> p_, t_;
  bool path_;
  std::vector<signed char> memo_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool path = data[0] & 1;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::size_t nul = rest.find('\0');
  const std::string_view pattern = rest.substr(0, nul);
  const std::string_view text = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
  const libpipe::Glob glob(pattern, path ? libpipe::Glob::path : libpipe::Glob::name);
  const bool fast = glob.matches(text);
  if (fast != glob.matches_general(text)) std::abort();
  // The reference is quadratic in memory: keep it to sizes it handles at fuzzing speed.
  if (pattern.size() <= 256 && text.size() <= 1024) {
    Reference ref(pattern, text, path);
    if (ref.match() != fast) std::abort();
  }
  // A pattern always matches itself when it has no wildcard.
  if (glob.is_literal() && !glob.matches(pattern)) std::abort();
  return 0;
}
