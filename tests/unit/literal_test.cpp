#include "libpipe/literal.hpp"

#include <gtest/gtest.h>

namespace {

std::string lit(std::string_view p) { return libpipe::required_literal(p).text; }
bool whole(std::string_view p) { return libpipe::required_literal(p).whole; }

}  // namespace

TEST(RequiredLiteral, TheTutorialsPattern) {
  EXPECT_EQ(lit(R"(ply-.*\.gz)"), "ply-");
  EXPECT_FALSE(whole(R"(ply-.*\.gz)"));
}

TEST(RequiredLiteral, PlainTextIsWhole) {
  EXPECT_EQ(lit("GET /index.html"), "GET /index");  // '.' is any character
  EXPECT_EQ(lit(R"(GET /index\.html)"), "GET /index.html");
  EXPECT_TRUE(whole(R"(GET /index\.html)"));
  EXPECT_TRUE(whole("(?:abc)def"));
  EXPECT_EQ(lit("(?:abc)def"), "abcdef");
  EXPECT_EQ(lit("(?s)abc"), "abc");
}

TEST(RequiredLiteral, Quantifiers) {
  EXPECT_EQ(lit("abc?de"), "ab");      // c is optional: "ab" and "de" are required; the first wins
  EXPECT_EQ(lit("abcd?e"), "abc");
  EXPECT_EQ(lit("ab+cd"), "bcd");      // "ab" and "bcd", not "abcd"
  EXPECT_EQ(lit("x*yz{2}w"), "yz");
  EXPECT_EQ(lit("(abc)+x"), "abcx");   // the last repetition runs into the x
  EXPECT_EQ(lit("(abc)?x"), "x");
  EXPECT_EQ(lit("é?abc"), "abc");      // a multi-byte character is one unit
  EXPECT_FALSE(whole("ab+"));
}

TEST(RequiredLiteral, NothingClaimedWhenUnsure) {
  EXPECT_EQ(lit("foo|bar"), "");
  EXPECT_EQ(lit("(?i)foo"), "");
  EXPECT_EQ(lit(R"(\Qa.b\E)"), "");
  EXPECT_EQ(lit("[abc]"), "");
  EXPECT_EQ(lit(R"(\d+)"), "");
  EXPECT_EQ(lit("a{,3}"), "");         // RE2 reads this '{' as text; we do not try
  EXPECT_EQ(lit("(unclosed"), "");
}

TEST(RequiredLiteral, ClassesAndEscapesAreSkippedCorrectly) {
  EXPECT_EQ(lit("[]a|)(]xyz"), "xyz");
  EXPECT_EQ(lit("[[:alpha:]]+abcd"), "abcd");
  EXPECT_EQ(lit(R"([\]]+abcd)"), "abcd");
  EXPECT_EQ(lit(R"(\x{41}bcd)"), "bcd");
  EXPECT_EQ(lit(R"(\pLabc)"), "abc");
  EXPECT_EQ(lit(R"(a\tb)"), "a\tb");
  EXPECT_EQ(lit(R"(foo(bar|baz)qux)"), "foo");
  EXPECT_EQ(lit(R"(\bword\b)"), "word");
}

TEST(LiteralChain, PlainTextJoinedByDotStar) {
  using Pieces = std::vector<std::string>;
  EXPECT_EQ(libpipe::literal_chain(R"(ply-.*\.gz)"), (Pieces{"ply-", ".gz"}));
  EXPECT_EQ(libpipe::literal_chain(R"(GET .*\.tar\.gz.* 200 )"), (Pieces{"GET ", ".tar.gz", " 200 "}));
  EXPECT_EQ(libpipe::literal_chain(R"(a\\.*\*b)"), (Pieces{"a\\", "*b"}));
  // Not plain text joined by `.*`: left to RE2.
  for (const char* p : {"ply-", R"(ply-\.gz)", "a.*", ".*a", "a.*.*b", "a.*?b", "a.*+b", "a.+b", "a.b", "a*.*b",
                        "[a].*b", "(a).*b", "a.*b|c", "^a.*b", "a.*b$", R"(a\d.*b)", R"(a\t.*b)", "a\t.*b",
                        "\xc3\xa9.*b", "a.*b{2}", "(?i)a.*b", ""}) {
    EXPECT_TRUE(libpipe::literal_chain(p).empty()) << p;
  }
}
