#include "libpipe/glob.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

// Both the fast paths and the general matcher must give the answer.
bool name_match(const std::string& pattern, const std::string& text) {
  libpipe::Glob g(pattern);
  const bool fast = g.matches(text);
  EXPECT_EQ(fast, g.matches_general(text)) << "pattern '" << pattern << "' text '" << text << "'";
  return fast;
}

bool path_match(const std::string& pattern, const std::string& text) {
  libpipe::Glob g(pattern, libpipe::Glob::path);
  const bool fast = g.matches(text);
  EXPECT_EQ(fast, g.matches_general(text)) << "pattern '" << pattern << "' text '" << text << "'";
  return fast;
}

}  // namespace

// Expected answers are Python's fnmatch.fnmatchcase, which Path.rglob uses.
TEST(Glob, AgreesWithPythonFnmatch) {
  struct Case {
    const char* pattern;
    const char* text;
    bool match;
  } cases[] = {
      {"*.h", "a.h", true},          {"*.h", ".h", true},           {"*", ".hidden", true},
      {"?", "é", true},              {"??", "é", false},            {"[abc]", "b", true},
      {"[!abc]", "b", false},        {"[!abc]", "d", true},         {"[a-c]x", "bx", true},
      {"[z-a]", "z", false},         {"[!z-a]", "q", true},         {"[]]", "]", true},
      {"[!]]", "]", false},          {"[!]]", "a", true},           {"[]", "[]", true},
      {"[", "[", true},              {"[a", "[a", true},            {"a\\*", "a\\b", true},
      {"a\\*", "a*", false},         {"[^a]", "^", true},           {"[^a]", "b", false},
      {"[a-]", "-", true},           {"[-a]", "-", true},           {"[--0]", "/", true},
      {"[c-b-a]", "-", true},        {"[c-b-a]", "b", false},       {"access-log*", "access-log.1.gz", true},
      {"*log*", "syslog.1", true},   {"ab*ba", "aba", false},       {"ab*ba", "abba", true},
      {"*a*b*c", "xaybzc", true},    {"[[]", "[", true},            {"[é-ë]", "ê", true},
      {"*.[ch]", "x.c", true},       {"*.[ch]", "x.o", false},      {"access-log", "access-log", true},
      {"access-log", "access-log1", false}, {"", "", true},         {"", "a", false},
      {"***", "abc", true},          {"a*", "b", false},            {"*a", "ba", true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(name_match(c.pattern, c.text), c.match) << "pattern '" << c.pattern << "' text '" << c.text << "'";
  }
}

TEST(Glob, FastPathShapesRespectLengths) {
  // "ab*ba" must not let the prefix and the suffix share characters.
  EXPECT_FALSE(name_match("ab*ba", "aba"));
  EXPECT_TRUE(name_match("a*a", "aa"));
  EXPECT_FALSE(name_match("a*a", "a"));
  EXPECT_TRUE(name_match("*mid*", "mid"));
  EXPECT_FALSE(name_match("*mid*", "mi"));
  EXPECT_TRUE(libpipe::Glob("plain").is_literal());
  EXPECT_FALSE(libpipe::Glob("pl*in").is_literal());
}

TEST(Glob, BytesThatAreNotUtf8AreCharactersOfTheirOwn) {
  EXPECT_TRUE(name_match("?", "\xff"));
  EXPECT_TRUE(name_match("a?c", "a\xff" "c"));
  EXPECT_FALSE(name_match("?", "\xff\xfe"));
  EXPECT_TRUE(name_match("[\xff]", "\xff"));
  EXPECT_FALSE(name_match("[\xff]", "\xfe"));
  // An invalid byte in the pattern matches only itself, never the tail of a character.
  EXPECT_FALSE(name_match("*\xa9", "\xc3\xa9"));
  EXPECT_TRUE(name_match("*\xa9", "x\xa9"));
}

TEST(Glob, NameModeWildcardsMatchAnything) {
  // Names hold no '/', but exclude globs and tests may: in name mode nothing is special.
  EXPECT_TRUE(name_match("a*b", "a/x/b"));
  EXPECT_TRUE(name_match("a?b", "a/b"));
}

TEST(Glob, PathModeKeepsWildcardsInsideOneComponent) {
  EXPECT_TRUE(path_match("www/*/access-log", "www/foo/access-log"));
  EXPECT_FALSE(path_match("www/*/access-log", "www/foo/bar/access-log"));
  EXPECT_FALSE(path_match("www/*", "www/foo/bar"));
  EXPECT_FALSE(path_match("www?foo", "www/foo"));
  EXPECT_FALSE(path_match("www[/]foo", "www/foo"));
  EXPECT_TRUE(path_match("www[/]foo", "www[/]foo"));  // a set cannot hold '/': literal
  EXPECT_FALSE(path_match("www[!a]foo", "www/foo"));
}

TEST(Glob, DoubleStarCrossesDirectories) {
  EXPECT_TRUE(path_match("www/**/*.gz", "www/a.gz"));
  EXPECT_TRUE(path_match("www/**/*.gz", "www/x/a.gz"));
  EXPECT_TRUE(path_match("www/**/*.gz", "www/x/y/z/a.gz"));
  EXPECT_FALSE(path_match("www/**/*.gz", "www/x/y/z/a.gz/b"));
  EXPECT_FALSE(path_match("www/**/*.gz", "wwwx/a.gz"));
  EXPECT_TRUE(path_match("**/access-log*", "access-log"));
  EXPECT_TRUE(path_match("**/access-log*", "./www/foo/access-log.1"));
  EXPECT_TRUE(path_match("www/**", "www/a/b/c"));
  EXPECT_FALSE(path_match("www/**", "www"));
  EXPECT_TRUE(path_match("**", "a/b"));
  EXPECT_TRUE(path_match("**/**/x", "x"));
  EXPECT_TRUE(path_match("**/**/x", "a/b/x"));
  EXPECT_TRUE(path_match("a/**/b/**/c", "a/b/c"));
  EXPECT_TRUE(path_match("a/**/b/**/c", "a/x/b/y/z/c"));
  EXPECT_FALSE(path_match("a/**/b/**/c", "a/x/c"));
  // `**` that is not a whole component is a plain star, as in pathlib.
  EXPECT_TRUE(path_match("a**b", "axxb"));
  EXPECT_FALSE(path_match("a**b", "a/b"));
}

TEST(Glob, HostilePatternsStayLinear) {
  // A backtracking matcher takes exponential time on these; the automaton does not.
  std::string pattern, text(4000, 'a');
  for (int i = 0; i < 40; ++i) pattern += "*a";
  pattern += "*b";
  EXPECT_FALSE(name_match(pattern, text));
  std::string path_pattern;
  for (int i = 0; i < 40; ++i) path_pattern += "**/a*/";
  path_pattern += "b";
  std::string path;
  for (int i = 0; i < 500; ++i) path += "a/";
  EXPECT_FALSE(path_match(path_pattern, path + "c"));
  EXPECT_TRUE(path_match(path_pattern, path + "b"));
}

TEST(Glob, CodePoints) {
  const std::string s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xff\xed\xa0\x80";
  const char* p = s.data();
  const char* end = p + s.size();
  EXPECT_EQ(libpipe::next_code_point(p, end), 0x61u);
  EXPECT_EQ(libpipe::next_code_point(p, end), 0xE9u);
  EXPECT_EQ(libpipe::next_code_point(p, end), 0x20ACu);
  EXPECT_EQ(libpipe::next_code_point(p, end), 0x1F600u);
  EXPECT_EQ(libpipe::next_code_point(p, end), 0x110000u + 0xFF);
  // A UTF-16 surrogate encoded in UTF-8 is not valid: three bytes of their own.
  EXPECT_EQ(libpipe::next_code_point(p, end), 0x110000u + 0xED);
  EXPECT_EQ(libpipe::next_code_point(p, end), 0x110000u + 0xA0);
  EXPECT_EQ(libpipe::next_code_point(p, end), 0x110000u + 0x80);
  EXPECT_EQ(p, end);
  // A sequence cut short by the end of the text.
  const std::string cut = "\xe2\x82";
  p = cut.data();
  EXPECT_EQ(libpipe::next_code_point(p, cut.data() + cut.size()), 0x110000u + 0xE2);
}
