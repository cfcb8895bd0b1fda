#pragma once
// The text every match of a regular expression must contain. GNU grep and ripgrep are fast
// because they rarely run the regex at all: they look for such a literal with memchr or
// memmem, which run at memory speed, and only run the regex on the few lines where it occurs.
//
//   libpipe::RequiredLiteral r = libpipe::required_literal(R"(ply-.*\.gz)");
//   // r.text == "ply-", r.whole == false
//   libpipe::required_literal("GET /index.html").whole   // true: finding it is matching
//
// The analysis is deliberately simple and conservative (RE2 syntax): a literal is only
// claimed when every match contains it. Alternation at the top level, case-insensitive
// flags and \Q…\E give no literal, and the regex then runs alone — still correct, only slower.

#include <string>
#include <string_view>
#include <vector>

namespace libpipe {

struct RequiredLiteral {
  std::string text;    // empty: no literal is known to be required
  bool whole = false;  // the pattern matches exactly `text` and nothing else
};

RequiredLiteral required_literal(std::string_view pattern);

// The pieces of a pattern that is nothing but plain ASCII text joined by `.*`, as the
// tutorial's `ply-.*\.gz` is ({"ply-", ".gz"}); empty for any other pattern, and for one
// without a `.*`. A line matches such a pattern when the pieces occur on it in order without
// overlapping and the bytes between them are ASCII (RE2's `.` takes no byte of broken UTF-8):
// no regular expression has to run for it (matcher.hpp).
//
//   libpipe::literal_chain(R"(ply-.*\.gz)")   // {"ply-", ".gz"}
//   libpipe::literal_chain("a.*[bc]")          // {}: a class is not plain text
std::vector<std::string> literal_chain(std::string_view pattern);

}  // namespace libpipe
