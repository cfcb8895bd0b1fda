#include "libpipe/query_parser.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace libpipe::query;

namespace {

// The message and column of the error a query gets, as "column: message".
std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const QueryError& e) {
    return std::to_string(e.offset() + 1) + ": " + e.what();
  }
  return "no error";
}

std::vector<std::string> token_texts(const std::string& q) {
  std::vector<std::string> out;
  for (const auto& t : tokenize(q)) {
    if (t.kind != Tok::end) out.push_back(t.text);
  }
  return out;
}

}  // namespace

TEST(Tokenizer, SplitsOperatorsNamesNumbersAndStrings) {
  EXPECT_EQ(token_texts("a>=1.5 AND b!='x''y' OR c !~ \"\\d+\""),
            (std::vector<std::string>{"a", ">=", "1.5", "AND", "b", "!=", "x'y", "OR", "c", "!~", "\\d+"}));
  auto toks = tokenize("`odd key`.x <> 2e3");
  EXPECT_EQ(toks[0].kind, Tok::name);
  EXPECT_TRUE(toks[0].quoted);
  EXPECT_EQ(toks[0].text, "odd key");
  EXPECT_EQ(toks[3].text, "<>");
  EXPECT_EQ(toks[4].kind, Tok::real);
  EXPECT_EQ(toks[4].offset, 15u);
}

TEST(Tokenizer, KeywordsAreCaseInsensitiveButBackquotesAreNames) {
  auto toks = tokenize("select `select`");
  EXPECT_TRUE(toks[0].is_keyword("SELECT"));
  EXPECT_FALSE(toks[1].is_keyword("SELECT"));
}

TEST(Tokenizer, RejectsWhatIsNotTheLanguage) {
  EXPECT_EQ(error_of("a = 'open"), "5: unclosed string: no closing '");
  EXPECT_EQ(error_of("a[0] = 1"),
            "2: '[' is not part of the field syntax: write a.b.c for nested fields, and `odd key` in backquotes for keys "
            "with other characters");
  EXPECT_EQ(error_of("a = 1 ; b"), "7: unexpected character ';'; operators are = != < <= > >= ~ !~ + - * / %");
  EXPECT_EQ(error_of("`open"), "1: unclosed backquote: no closing `");
  EXPECT_EQ(error_of("a = 12abc"), "7: a number runs into a name: put a space or an operator between them");
}

TEST(Parser, TheTutorialsQueries) {
  Query q = parse("SELECT DISTINCT request WHERE status = 404 ORDER BY request");
  EXPECT_TRUE(q.distinct);
  ASSERT_EQ(q.select.size(), 1u);
  EXPECT_EQ(q.select[0].name, "request");
  EXPECT_EQ(canonical(*q.where), "(status = 404)");
  ASSERT_EQ(q.order_by.size(), 1u);
  EXPECT_FALSE(q.grouped());

  q = parse("SELECT bytes, request ORDER BY bytes DESC, request DESC LIMIT 1");
  EXPECT_TRUE(q.order_by[0].descending);
  EXPECT_EQ(*q.limit, 1u);

  q = parse("SELECT count(*) WHERE request = '/ply/ply-2.3.tar.gz'");
  EXPECT_TRUE(q.grouped());
  EXPECT_EQ(q.select[0].name, "count(*)");

  q = parse("SELECT DISTINCT host WHERE request LIKE '%robots.txt%'");
  EXPECT_EQ(canonical(*q.where), "(request LIKE '%robots.txt%')");
}

TEST(Parser, ABareConditionIsSelectStarWhere) {
  Query q = parse("status = 404 AND bytes > 0 LIMIT 3");
  ASSERT_EQ(q.select.size(), 1u);
  EXPECT_TRUE(q.select[0].star);
  EXPECT_EQ(canonical(*q.where), "((status = 404) AND (bytes > 0))");
  EXPECT_EQ(*q.limit, 3u);
}

TEST(Parser, PrecedenceFollowsSql) {
  EXPECT_EQ(canonical(*parse("a OR b AND NOT c = 1").where), "(a OR (b AND (NOT (c = 1))))");
  EXPECT_EQ(canonical(*parse("a + b * c - -d > 2").where), "(((a + (b * c)) - (-d)) > 2)");
  EXPECT_EQ(canonical(*parse("x NOT IN (1, 'a', NULL) AND y IS NOT NULL").where),
            "((x NOT IN (1, 'a', NULL)) AND (y IS NOT NULL))");
  EXPECT_EQ(canonical(*parse("agent !~ 'bot' OR u.`odd key`.z NOT LIKE 'a_%'").where),
            "((agent !~ 'bot') OR (u.`odd key`.z NOT LIKE 'a_%'))");
  EXPECT_EQ(canonical(*parse("a == -1.5").where), "(a = -1.5)");
}

TEST(Parser, NamesItemsByAliasOrAsWritten) {
  Query q = parse("SELECT host AS h, COUNT( * ), sum(bytes)/1024 GROUP BY host");
  EXPECT_EQ(q.select[0].name, "h");
  EXPECT_EQ(q.select[1].name, "COUNT( * )");
  EXPECT_EQ(q.select[2].name, "sum(bytes)/1024");
  EXPECT_EQ(canonical(*q.select[1].expr), "count(*)");
}

TEST(Parser, OrderByAndHavingMayNameAnAlias) {
  Query q = parse("SELECT host, count(*) AS n GROUP BY host HAVING n > 2 ORDER BY n DESC, 1");
  EXPECT_EQ(canonical(*q.having), "(count(*) > 2)");
  EXPECT_EQ(canonical(*q.order_by[0].expr), "count(*)");
  EXPECT_EQ(canonical(*q.order_by[1].expr), "host");
}

TEST(Parser, PreciseErrors) {
  EXPECT_EQ(error_of("SELECT request WHERE"), "21: expected an expression after WHERE");
  EXPECT_EQ(error_of("SELECT request WHERE status ="), "30: expected an expression after '='");
  EXPECT_EQ(error_of(""), "1: empty query: expected SELECT, WHERE or a condition");
  EXPECT_EQ(error_of("SELECT a b"), "10: unexpected 'b' after a SELECT item; expected ',', AS, WHERE, GROUP BY, HAVING, "
                                    "ORDER BY, LIMIT or the end of the query");
  EXPECT_EQ(error_of("SELECT a FROM log"),
            "10: FROM is not needed: gquery reads its records from its input (files or standard input)");
  EXPECT_EQ(error_of("SELECT a LIMIT x"), "16: expected a whole number after LIMIT");
  EXPECT_EQ(error_of("SELECT a ORDER BY a WHERE b"),
            "21: WHERE is out of place: the clauses go in the order SELECT, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT");
  EXPECT_EQ(error_of("a < b < c"), "7: comparisons do not chain: use AND, as in a < b AND b < c");
  EXPECT_EQ(error_of("(a = 1"), "7: expected ')' to close the '(' at column 1, found the end of the query");
  EXPECT_EQ(error_of("a LIKE b"), "8: expected a quoted pattern after LIKE, like '%robots.txt%'");
  EXPECT_EQ(error_of("a ~ '(x'"), "5: bad regular expression: missing ): (x");
  EXPECT_EQ(error_of("a IS 3"), "6: expected NULL or NOT NULL after IS");
  EXPECT_EQ(error_of("a.  = 1"), "5: expected a field name after '.': nested fields are written a.b.c, and `odd key` "
                                 "in backquotes");
  EXPECT_EQ(error_of("SELECT * + 1"), "10: unexpected '+' after a SELECT item; expected ',', AS, WHERE, GROUP BY, "
                                      "HAVING, ORDER BY, LIMIT or the end of the query");
  EXPECT_EQ(error_of("SELECT a HAVING a > 1"), "17: HAVING needs GROUP BY or an aggregate");
  EXPECT_EQ(error_of("SELECT 1E020000"), "8: number too large");
}

TEST(Parser, FunctionsAreCheckedBeforeAnyInput) {
  EXPECT_EQ(error_of("SELECT cnt(*)"),
            "8: unknown function 'cnt'; known: aggregates count, sum, min, max, avg, median, percentile; functions "
            "lower, upper, length, substr, coalesce, int, float, str");
  EXPECT_EQ(error_of("SELECT sum(a, b)"), "8: sum() takes one argument");
  EXPECT_EQ(error_of("SELECT percentile(a)"), "8: percentile() takes two arguments: percentile(x, 0.99)");
  EXPECT_EQ(error_of("SELECT percentile(a, 99)"), "22: the fraction of percentile() must be a number from 0 to 1, like 0.99");
  EXPECT_EQ(error_of("SELECT sum(DISTINCT a)"), "12: DISTINCT is only supported in count(DISTINCT x)");
  EXPECT_EQ(error_of("SELECT sum(count(*))"), "12: aggregates cannot be nested inside sum()");
  EXPECT_EQ(error_of("count(*) > 1"), "1: the aggregate count() is not allowed in WHERE (use HAVING)");
  EXPECT_EQ(error_of("SELECT a GROUP BY max(a)"), "19: the aggregate max() is not allowed in GROUP BY");
  EXPECT_EQ(error_of("SELECT substr(a)"), "8: substr() takes two or three arguments: substr(s, start) or substr(s, start, length)");
}

TEST(DescribeError, ShowsTheQueryWithACaretUnderTheColumn) {
  std::string q = "SELECT request WHERE";
  try {
    parse(q);
    FAIL();
  } catch (const QueryError& e) {
    EXPECT_EQ(describe_error(q, e),
              "syntax error at column 21: expected an expression after WHERE\n"
              "  SELECT request WHERE\n"
              "                      ^");
  }
  // Characters, not bytes, and the line of a multi-line query.
  std::string multi = "SELECT é,\n  x WHERE ~";
  try {
    parse(multi);
    FAIL();
  } catch (const QueryError& e) {
    EXPECT_EQ(describe_error(multi, e),
              "syntax error at line 2, column 11: expected an expression after WHERE\n"
              "    x WHERE ~\n"
              "            ^");
  }
}
