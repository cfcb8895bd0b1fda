// A pattern and some lines: the first line of the input is the pattern, the rest are text.
// The required literal must be in every line RE2 matches (and with `whole`, finding it must be
// matching); the Matcher's whole-buffer search must select exactly the lines that match one
// by one; and the matches -o would print must lie inside their line.
#include <re2/re2.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "libpipe/error.hpp"
#include "libpipe/literal.hpp"
#include "libpipe/matcher.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto nl = input.find('\n');
  if (nl == std::string_view::npos) return 0;
  std::string pattern(input.substr(0, nl));
  std::string text(input.substr(nl + 1));
  if (text.empty() || text.back() != '\n') text += '\n';
  if (text.size() > 4096 || pattern.size() > 256) return 0;

  re2::RE2::Options o;
  o.set_log_errors(false);
  o.set_never_nl(true);
  re2::RE2 re("(?m)(?:" + pattern + ")", o);
  libpipe::RequiredLiteral lit = libpipe::required_literal(pattern);
  std::vector<std::string_view> lines;
  for (std::size_t pos = 0; pos < text.size();) {
    auto e = text.find('\n', pos);
    lines.emplace_back(text.data() + pos, e - pos);
    pos = e + 1;
  }
  if (!re.ok()) return 0;
  for (auto line : lines) {
    bool match = re2::RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), re);
    bool has = line.find(lit.text) != std::string_view::npos;
    if (match && !has) std::abort();              // a literal claimed but not required
    if (lit.whole && has && !match) std::abort();  // "whole" but finding it is not matching
  }

  for (int variant = 0; variant < 4; ++variant) {
    libpipe::MatcherOptions mo;
    mo.patterns = {pattern};
    mo.ignore_case = variant == 1;
    mo.word = variant == 2;
    mo.line = variant == 3;
    try {
      libpipe::Matcher m(mo);
      if (variant == 0) m.tune(text);  // the pair of bytes searched for chosen on the text itself
      std::vector<std::string_view> found;
      std::size_t pos = 0, b = 0, e = 0;
      while (pos < text.size() && m.find_line(text, pos, b, e)) {
        if (b < pos || e < b || e >= text.size() || text[e] != '\n') std::abort();
        found.emplace_back(text.data() + b, e - b);
        pos = e + 1;
      }
      std::vector<std::string_view> expected;
      for (auto line : lines) {
        if (m.matches(line)) expected.push_back(line);
      }
      if (found.size() != expected.size()) std::abort();
      for (std::size_t i = 0; i < found.size(); ++i) {
        if (found[i].data() != expected[i].data() || found[i].size() != expected[i].size()) std::abort();
        std::size_t from = 0, mb = 0, me = 0;
        while (from <= found[i].size() && m.next_match(found[i], from, mb, me)) {
          if (mb < from || me <= mb || me > found[i].size()) std::abort();
          from = me;
        }
      }
    } catch (const libpipe::Error&) {
      // a pattern RE2 refuses in this variant
    }
  }
  return 0;
}
