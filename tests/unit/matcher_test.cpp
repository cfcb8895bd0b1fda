#include "libpipe/matcher.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

#include "libpipe/error.hpp"

namespace {

// Every line of text the matcher selects, found the way ggrep finds them.
std::vector<std::string> lines_found(const libpipe::Matcher& m, std::string_view text) {
  std::vector<std::string> found;
  std::size_t pos = 0, b = 0, e = 0;
  while (m.find_line(text, pos, b, e)) {
    found.emplace_back(text.substr(b, e - b));
    pos = e + 1;
  }
  return found;
}

libpipe::Matcher make(std::vector<std::string> patterns, bool fixed = false, bool icase = false, bool word = false,
                      bool line = false) {
  return libpipe::Matcher({std::move(patterns), fixed, icase, word, line});
}

using Lines = std::vector<std::string>;

}  // namespace

TEST(Matcher, FindsLinesInABuffer) {
  std::string text = "GET /ply/ply-2.3.tar.gz\nGET /ply/\nply-x.gz\nnothing\nply-.gzz\n";
  auto m = make({R"(ply-.*\.gz)"});
  EXPECT_EQ(m.literal(), "ply-");
  EXPECT_EQ(lines_found(m, text), (Lines{"GET /ply/ply-2.3.tar.gz", "ply-x.gz", "ply-.gzz"}));
}

TEST(Matcher, NoMatchCrossesALine) {
  auto m = make({"a[^x]b"});
  EXPECT_EQ(lines_found(m, "a\nb\nazb\n"), (Lines{"azb"}));
  auto s = make({R"(a\sb)"});
  EXPECT_TRUE(lines_found(s, "a\nb\n").empty());
}

TEST(Matcher, AnchorsWorkOnEveryLine) {
  auto m = make({"^b"});
  EXPECT_EQ(lines_found(m, "ab\nbc\nb\n"), (Lines{"bc", "b"}));
  auto e = make({"b$"});
  EXPECT_EQ(lines_found(e, "ab\nbc\nb\n"), (Lines{"ab", "b"}));
  auto empty = make({""});
  EXPECT_EQ(lines_found(empty, "x\n\ny\n"), (Lines{"x", "", "y"}));
}

TEST(Matcher, Options) {
  EXPECT_EQ(lines_found(make({"a.c"}, true), "abc\na.c\n"), (Lines{"a.c"}));
  EXPECT_EQ(lines_found(make({"GET"}, false, true), "get\nGeT x\npost\n"), (Lines{"get", "GeT x"}));
  EXPECT_EQ(lines_found(make({"foo"}, false, false, true), "foobar\nfoo_x\na foo.\nfoo\n"), (Lines{"a foo.", "foo"}));
  EXPECT_EQ(lines_found(make({"fo+"}, false, false, false, true), "foo\nfooo x\nf\n"), (Lines{"foo"}));
  EXPECT_EQ(lines_found(make({"cat", "dog"}), "a cat\nbird\nhotdog\n"), (Lines{"a cat", "hotdog"}));
  EXPECT_EQ(lines_found(make({"cat\ndog"}), "a cat\nbird\nhotdog\n"), (Lines{"a cat", "hotdog"}));
  EXPECT_TRUE(lines_found(make({}), "a\n\n").empty());  // -f of an empty file
}

TEST(Matcher, IgnoreCaseDropsLiteralsWithLetters) {
  EXPECT_EQ(make({"ply-x"}, false, true).literal(), "");
  EXPECT_EQ(make({"404 -"}, false, true).literal(), "404 -");
  // RE2 folds 'k' onto the Kelvin sign: a byte search for "k" would miss it.
  EXPECT_EQ(lines_found(make({"k"}, false, true), "\xe2\x84\xaa\n"), (Lines{"\xe2\x84\xaa"}));
}

TEST(Matcher, NextMatch) {
  auto m = make({"o+"});
  std::string line = "foo boo x";
  std::size_t from = 0, b = 0, e = 0;
  std::vector<std::string> parts;
  while (m.next_match(line, from, b, e)) {
    parts.push_back(line.substr(b, e - b));
    from = e;
  }
  EXPECT_EQ(parts, (Lines{"oo", "oo"}));
  auto w = make({"a"}, false, false, true);
  parts.clear();
  from = 0;
  line = "a a ba a";
  while (w.next_match(line, from, b, e)) {
    parts.push_back(std::to_string(b));
    from = e;
  }
  EXPECT_EQ(parts, (Lines{"0", "2", "7"}));
  auto empty = make({"x*"});
  EXPECT_FALSE(empty.next_match("abc", 0, b, e));  // empty matches show nothing
}

TEST(Matcher, RefusesWhatRe2CannotDoWithAHint) {
  try {
    make({R"((a)\1)"});
    FAIL() << "a backreference was accepted";
  } catch (const libpipe::Error& e) {
    std::string what = e.what();
    EXPECT_EQ(what.rfind("pattern '(a)\\1': invalid escape sequence", 0), 0u) << what;
    EXPECT_NE(what.find("no backreferences or lookaround"), std::string::npos) << what;
  }
  EXPECT_THROW(make({"a(?=b)"}), libpipe::Error);
  EXPECT_THROW(make({"(unclosed"}), libpipe::Error);
}

TEST(Matcher, HostilePatternsAnswerAtOnce) {
  // (a+)+$ against a long line of a's and one b is exponential for a backtracking engine.
  std::string line(100000, 'a');
  line += "b\n";
  auto m = make({"(a+)+$"});
  std::size_t b = 0, e = 0;
  EXPECT_FALSE(m.find_line(line, 0, b, e));  // linear time: no timing needed, ctest's timeout would catch a hang
  std::string all_a(100000, 'a');
  all_a += '\n';
  EXPECT_TRUE(m.find_line(all_a, 0, b, e));
}

// The whole-buffer search (two bytes of the literal, 64 positions at a time, then the rest
// with memchr) selects exactly the lines that match one by one, whichever pair of bytes it
// searches for: untuned, or tuned on samples that favour each pair.
TEST(Matcher, EveryPairOfBytesFindsTheSameLines) {
  std::string text;
  const char* pieces[] = {"ply-", "ply", "/ply/", "y-", "p-", "ly-.gz", "x", "ply-2.3.tar.gz", "-", " ", "pl", "ly",
                          ".gz", "\n", "\n", "ply-\n", "py-"};
  std::uint32_t r = 12345;
  while (text.size() < 40000) {
    r = r * 1103515245 + 12345;
    text += pieces[(r >> 16) % std::size(pieces)];
  }
  text += '\n';
  for (const char* pattern : {R"(ply-.*\.gz)", "ply-", "y-", R"(p[l]y-2\.3)"}) {
    for (bool fixed : {false, true}) {
      auto plain = make({pattern}, fixed);
      ASSERT_FALSE(plain.literal().empty()) << pattern;
      Lines expected;
      std::size_t start = 0;
      for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
        std::string_view line(text.data() + start, nl - start);
        if (plain.matches(line)) expected.emplace_back(line);
      }
      EXPECT_EQ(lines_found(plain, text), expected) << pattern;
      auto sse2 = make({pattern}, fixed);  // AVX2 is used where the CPU has it; SSE2 is the fallback
      sse2.without_avx2();
      EXPECT_EQ(lines_found(sse2, text), expected) << pattern << " with SSE2";
      for (const char* sample : {"ply-ply-ply-", "y-y-y-y-", "p-p-p-", "/ply//ply//ply/", ""}) {
        auto tuned = make({pattern}, fixed);
        std::string long_sample;
        for (int k = 0; k < 500; ++k) long_sample += sample;
        tuned.tune(long_sample);
        EXPECT_EQ(lines_found(tuned, text), expected) << pattern << " tuned on " << sample;
      }
    }
  }
}

TEST(Matcher, FindLiteralFindsTheFirstOccurrence) {
  for (bool avx2 : {true, false}) {
    auto m = make({"abcd"}, true);
    if (!avx2) m.without_avx2();
    std::string text(300, 'x');
    for (std::size_t at : {0u, 1u, 31u, 32u, 33u, 63u, 64u, 65u, 200u, 296u}) {
      std::string t = text;
      t.replace(at, 4, "abcd");
      EXPECT_EQ(m.find_literal(t.data(), t.size(), 0), at) << avx2;
      EXPECT_EQ(m.find_literal(t.data(), t.size(), at + 1), t.size()) << avx2;
      EXPECT_EQ(m.find_literal(t.data(), at + 3, 0), at + 3) << "a literal cut by the end is not found";
    }
  }
}

// A pattern of text joined by `.*` is decided without RE2 (Matcher::chain): on lines made of
// the pieces, their parts, newline-free junk and damaged UTF-8, it selects exactly what RE2
// selects for the same pattern inside a group, which the shortcut does not take.
TEST(Matcher, TextJoinedByDotStarMatchesLikeRe2) {
  const std::string pieces[] = {"ply-", "ply", ".gz", ".g", "gz", "p", "-", ".", " ", "x", "\t", "\r", std::string(1, '\0'),
                          "\xc3\xa9", "\xc3", "\xa9", "\xff", "\xe2\x82", "\xe2\x82\xac", "a", "b", "ab", "ba"};
  std::uint32_t r = 2024;
  auto next = [&] {
    r = r * 1103515245 + 12345;
    return r >> 16;
  };
  std::string text;
  for (int line = 0; line < 20000; ++line) {
    const std::size_t n = next() % 12;
    for (std::size_t k = 0; k < n; ++k) text += pieces[next() % std::size(pieces)];
    text += '\n';
  }
  for (const char* pattern : {R"(ply-.*\.gz)", "a.*b", "b.*a", "a.*b.*a", "ply.*-.*gz", "p.*p", "ab.*ab", R"(\..*\.)"}) {
    auto fast = make({pattern});
    ASSERT_FALSE(fast.chain().empty()) << pattern;
    auto referee = make({std::string("(?:") + pattern + ")"});
    ASSERT_TRUE(referee.chain().empty()) << pattern;
    Lines expected;
    std::size_t start = 0, selected = 0;
    for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string_view line(text.data() + start, nl - start);
      const bool match = referee.matches(line);
      if (match) expected.emplace_back(line);
      EXPECT_EQ(fast.matches(line), match) << pattern << " on " << ::testing::PrintToString(std::string(line));
      selected += match;
    }
    EXPECT_GT(selected, 0u) << pattern;
    EXPECT_LT(selected, 20000u) << pattern;
    EXPECT_EQ(lines_found(fast, text), expected) << pattern;
    EXPECT_EQ(lines_found(referee, text), expected) << pattern;
  }
  // With -i, -w or -x, or two patterns, RE2 decides.
  EXPECT_TRUE(make({"a.*b"}, false, true).chain().empty());
  EXPECT_TRUE(make({"a.*b"}, false, false, true).chain().empty());
  EXPECT_TRUE(make({"a.*b"}, false, false, false, true).chain().empty());
  EXPECT_TRUE(make({"a.*b", "c"}).chain().empty());
  EXPECT_TRUE(make({"a.*b"}, true).chain().empty());
}
