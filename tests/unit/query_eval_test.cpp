// The evaluator, the value rules and the aggregates, through whole queries over small
// record streams (query_engine.hpp), and directly where a rule is easier to see alone.
#include "libpipe/query_eval.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "libpipe/byte_source.hpp"
#include "libpipe/error.hpp"
#include "libpipe/line_reader.hpp"
#include "libpipe/output.hpp"
#include "libpipe/query_aggregate.hpp"
#include "libpipe/query_engine.hpp"

using namespace libpipe::query;

namespace {

// Runs a query over JSON Lines and returns what it prints.
std::string run(const std::string& query, const std::string& input, EngineOptions opt = {},
                InputStats* stats_out = nullptr) {
  std::FILE* f = std::tmpfile();
  std::string result;
  {
    libpipe::Output out(fileno(f), "test");
    out.set_line_buffered(false);
    Query q = parse(query);
    Engine engine(q, opt, out);
    libpipe::MemorySource src(input);
    libpipe::LineReader lines(src);
    InputStats stats;
    engine.consume(lines, stats);
    engine.finish();
    out.flush();
    if (stats_out) *stats_out = stats;
  }
  std::rewind(f);
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) result.append(buf, n);
  std::fclose(f);
  return result;
}

std::string text(const std::string& query, const std::string& input) {
  EngineOptions opt;
  opt.format = Format::text;
  return run(query, input, opt);
}

// One expression evaluated over one record, as JSON.
std::string eval(const std::string& expr, const std::string& record = "{}") {
  return run("SELECT " + expr + " AS v", record + "\n");
}

}  // namespace

TEST(Values, NumbersCompareExactlyAcrossIntegersAndDoubles) {
  EXPECT_EQ(compare_for_order(Value::integer(1), Value::real(1.0)), 0);
  EXPECT_GT(compare_for_order(Value::integer(9007199254740993), Value::real(9007199254740992.0)), 0);
  EXPECT_LT(compare_for_order(Value::null(), Value::boolean(false)), 0);
  EXPECT_LT(compare_for_order(Value::boolean(true), Value::integer(-5)), 0);
  EXPECT_LT(compare_for_order(Value::integer(5), Value::string("")), 0);
  EXPECT_LT(compare_for_order(Value::string("B"), Value::string("a")), 0);  // byte-wise
}

TEST(Values, ANumericStringMeetsANumberAsANumber) {
  EXPECT_EQ(compare_sql(Value::integer(404), Value::string("404")), 0);
  EXPECT_EQ(compare_sql(Value::string("1e3"), Value::integer(1000)), 0);
  EXPECT_LT(*compare_sql(Value::integer(5), Value::string("abc")), 0);
  EXPECT_FALSE(compare_sql(Value::null(), Value::integer(1)).has_value());
  EXPECT_FALSE(number_from_string("12abc").has_value());
  EXPECT_FALSE(number_from_string("").has_value());
  EXPECT_FALSE(number_from_string("-").has_value());
}

TEST(Values, KeysAreEqualForTheSameValue) {
  std::string a, b, c;
  append_key(a, Value::integer(1));
  append_key(b, Value::real(1.0));
  append_key(c, Value::string("1"));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(Values, Int128PrintsExactly) {
  std::string s;
  int128 big = static_cast<int128>(INT64_MAX) * 4;
  append_int128(s, -big);
  EXPECT_EQ(s, "-36893488147419103228");
}

TEST(Eval, ThreeValuedLogic) {
  EXPECT_EQ(eval("NULL = NULL"), "{\"v\":null}\n");
  EXPECT_EQ(eval("missing = 1"), "{\"v\":null}\n");
  EXPECT_EQ(eval("NULL AND FALSE"), "{\"v\":false}\n");
  EXPECT_EQ(eval("NULL AND TRUE"), "{\"v\":null}\n");
  EXPECT_EQ(eval("NULL OR TRUE"), "{\"v\":true}\n");
  EXPECT_EQ(eval("NULL OR FALSE"), "{\"v\":null}\n");
  EXPECT_EQ(eval("NOT NULL"), "{\"v\":null}\n");
  EXPECT_EQ(eval("1 IN (2, NULL)"), "{\"v\":null}\n");
  EXPECT_EQ(eval("1 IN (2, NULL, 1)"), "{\"v\":true}\n");
  EXPECT_EQ(eval("1 NOT IN (2, 3)"), "{\"v\":true}\n");
  EXPECT_EQ(eval("x IS NULL", R"({"x":null})"), "{\"v\":true}\n");
  EXPECT_EQ(eval("x IS NOT NULL", R"({"x":0})"), "{\"v\":true}\n");
  // WHERE keeps only what is true: NOT (x = 1) keeps neither x = 1 nor a missing x.
  EXPECT_EQ(text("SELECT x WHERE NOT (x = 1)", "{\"x\":1}\n{}\n{\"x\":2}\n"), "2\n");
}

// An integer field against an integer is compared without building values; every other
// pairing takes the general rules. Both must give the same answers.
TEST(Eval, IntegerFieldAgainstIntegerConstant) {
  const std::string input =
      "{\"n\":5}\n{\"n\":-9223372036854775808}\n{\"n\":9223372036854775807}\n{\"n\":5.0}\n"
      "{\"n\":\"5\"}\n{\"n\":null}\n{}\n{\"n\":18446744073709551615}\n{\"n\":\"x\"}\n";
  // (A string ranks above every number, and 5.0 prints as 5.)
  EXPECT_EQ(text("SELECT n WHERE n = 5", input), "5\n5\n5\n");
  EXPECT_EQ(text("SELECT n WHERE n != 5", input),
            "-9223372036854775808\n9223372036854775807\n18446744073709551615\nx\n");
  EXPECT_EQ(text("SELECT n WHERE n < -9223372036854775807", input), "-9223372036854775808\n");
  EXPECT_EQ(text("SELECT n WHERE n >= 9223372036854775807", input),
            "9223372036854775807\n18446744073709551615\nx\n");
  EXPECT_EQ(text("SELECT n WHERE n <= 5 AND n > 4", input), "5\n5\n5\n");
}

TEST(Eval, TypesAndArithmetic) {
  EXPECT_EQ(eval("7 / 2"), "{\"v\":3.5}\n");
  EXPECT_EQ(eval("8 / 2"), "{\"v\":4}\n");
  EXPECT_EQ(eval("7 % 3"), "{\"v\":1}\n");
  EXPECT_EQ(eval("1 / 0"), "{\"v\":null}\n");
  EXPECT_EQ(eval("'3' + 4"), "{\"v\":7}\n");
  EXPECT_EQ(eval("'x' + 4"), "{\"v\":null}\n");
  EXPECT_EQ(eval("9223372036854775807 + 1"), "{\"v\":9223372036854775808}\n");
  EXPECT_EQ(eval("0.1 + 0.2"), "{\"v\":0.30000000000000004}\n");
  EXPECT_EQ(eval("-x", R"({"x":5})"), "{\"v\":-5}\n");
  EXPECT_EQ(eval("a.b.c * 2", R"({"a":{"b":{"c":21}}})"), "{\"v\":42}\n");
  EXPECT_EQ(eval("`odd key` = 'yes'", R"({"odd key":"yes"})"), "{\"v\":true}\n");
  EXPECT_EQ(eval("a", R"({"a":[1, {"b":2}]})"), "{\"v\":[1, {\"b\":2}]}\n");
  EXPECT_EQ(eval("status = '404'", R"({"status":404})"), "{\"v\":true}\n");
  EXPECT_EQ(eval("status < 'abc'", R"({"status":404})"), "{\"v\":true}\n");
  EXPECT_EQ(eval("n", R"({"n":123456789012345678901234567890})"), "{\"v\":123456789012345678901234567890}\n");
}

TEST(Eval, Functions) {
  EXPECT_EQ(eval("lower('AbC'), upper('AbC')"), "{\"lower('AbC')\":\"abc\",\"v\":\"ABC\"}\n");
  EXPECT_EQ(eval("length('héllo')"), "{\"v\":5}\n");
  EXPECT_EQ(eval("length(12345)"), "{\"v\":5}\n");
  EXPECT_EQ(eval("substr('héllo', 2, 3)"), "{\"v\":\"éll\"}\n");
  EXPECT_EQ(eval("substr('hello', 3)"), "{\"v\":\"llo\"}\n");
  EXPECT_EQ(eval("substr('hello', 0, 2)"), "{\"v\":\"h\"}\n");
  EXPECT_EQ(eval("substr('hello', 9)"), "{\"v\":\"\"}\n");
  EXPECT_EQ(eval("substr('hello', 1, -1)"), "{\"v\":null}\n");
  EXPECT_EQ(eval("coalesce(a, b, 3)", R"({"b":2})"), "{\"v\":2}\n");
  EXPECT_EQ(eval("coalesce(a)"), "{\"v\":null}\n");
  EXPECT_EQ(eval("int('42')"), "{\"v\":42}\n");
  EXPECT_EQ(eval("int(-3.9)"), "{\"v\":-3}\n");
  EXPECT_EQ(eval("int('x')"), "{\"v\":null}\n");
  EXPECT_EQ(eval("int(TRUE)"), "{\"v\":1}\n");
  EXPECT_EQ(eval("float(3)"), "{\"v\":3}\n");
  EXPECT_EQ(eval("float('2.5')"), "{\"v\":2.5}\n");
  EXPECT_EQ(eval("str(404) = '404'"), "{\"v\":true}\n");
  EXPECT_EQ(eval("str(NULL)"), "{\"v\":null}\n");
  EXPECT_EQ(eval("upper(NULL)"), "{\"v\":null}\n");
}

TEST(Eval, LikeAndRegularExpressions) {
  EXPECT_EQ(eval("'/robots.txt' LIKE '%robots.txt%'"), "{\"v\":true}\n");
  EXPECT_EQ(eval("'abc' LIKE 'a_c'"), "{\"v\":true}\n");
  EXPECT_EQ(eval("'aéc' LIKE 'a_c'"), "{\"v\":true}\n");
  EXPECT_EQ(eval("'abc' LIKE 'a%'"), "{\"v\":true}\n");
  EXPECT_EQ(eval("'abc' LIKE '%c'"), "{\"v\":true}\n");
  EXPECT_EQ(eval("'abc' LIKE 'b%'"), "{\"v\":false}\n");
  EXPECT_EQ(eval("'abc' LIKE 'ABC'"), "{\"v\":false}\n");  // case matters
  EXPECT_EQ(eval("'a%c' LIKE 'a\\%c'"), "{\"v\":true}\n");
  EXPECT_EQ(eval("'abc' LIKE 'a\\%c'"), "{\"v\":false}\n");
  EXPECT_EQ(eval("'mississippi' LIKE '%iss%pi'"), "{\"v\":true}\n");
  EXPECT_EQ(eval("'mississippi' LIKE 'm%s_i%i'"), "{\"v\":true}\n");
  EXPECT_EQ(eval("'mississippi' LIKE 'm%x%i'"), "{\"v\":false}\n");
  EXPECT_EQ(eval("'' LIKE '%'"), "{\"v\":true}\n");
  EXPECT_EQ(eval("'' LIKE '_'"), "{\"v\":false}\n");
  EXPECT_EQ(eval("NULL LIKE '%'"), "{\"v\":null}\n");
  EXPECT_EQ(eval("'abc' NOT LIKE '%b%'"), "{\"v\":false}\n");
  EXPECT_EQ(eval("404 LIKE '40_'"), "{\"v\":true}\n");
  EXPECT_EQ(eval("'/a/b.tar.gz' ~ '\\.tar\\.gz$'"), "{\"v\":true}\n");
  EXPECT_EQ(eval("'Googlebot/2.1' !~ '(?i)bot'"), "{\"v\":false}\n");
  EXPECT_EQ(eval("NULL ~ 'x'"), "{\"v\":null}\n");
}

TEST(Eval, GroupLevelRejectsAFieldOutsideGroupBy) {
  Query q = parse("SELECT host, count(*)");
  libpipe::Output out(STDOUT_FILENO);
  try {
    Engine e(q, {}, out);
    FAIL();
  } catch (const QueryError& err) {
    EXPECT_EQ(err.offset(), 7u);
  }
}

TEST(Aggregates, SumsNeverWrapAndStayExact) {
  std::string in;
  for (int i = 0; i < 4; ++i) in += "{\"n\":9223372036854775807}\n";
  EXPECT_EQ(text("SELECT sum(n), avg(n), count(n)", in), "36893488147419103228 9223372036854775807 4\n");
  // 2^53 + 1 is where doubles (and jq) start rounding.
  EXPECT_EQ(text("SELECT sum(n)", "{\"n\":9007199254740993}\n{\"n\":0}\n"), "9007199254740993\n");
  EXPECT_EQ(text("SELECT sum(x)", "{\"x\":0.1}\n{\"x\":0.2}\n{\"x\":0.3}\n"), "0.6\n");
}

TEST(Aggregates, IgnoreNullsAndCountWhatIsThere) {
  std::string in = "{\"a\":1}\n{\"a\":null}\n{}\n{\"a\":3}\n{\"a\":\"x\"}\n{\"a\":\"2\"}\n";
  EXPECT_EQ(text("SELECT count(*), count(a), count(DISTINCT a), sum(a), avg(a), min(a), max(a)", in),
            "6 4 4 6 2 1 x\n");
  EXPECT_EQ(text("SELECT count(*), count(a), sum(a), avg(a), min(a), median(a)", ""), "0 0    \n");
}

TEST(Aggregates, MedianAndPercentileInterpolateLikeNumpy) {
  std::string in;
  for (int i : {5, 1, 4, 2, 3}) in += "{\"x\":" + std::to_string(i) + "}\n";
  EXPECT_EQ(text("SELECT median(x), percentile(x, 0.25), percentile(x, 0.9), percentile(x, 0), percentile(x, 1)", in),
            "3 2 4.6 1 5\n");
  EXPECT_EQ(text("SELECT median(x)", "{\"x\":1}\n{\"x\":2}\n"), "1.5\n");
  EXPECT_EQ(text("SELECT median(x)", "{\"x\":9007199254740993}\n{\"x\":9007199254740995}\n"), "9007199254740994\n");
}

TEST(Aggregates, StatesMergeToTheSameAnswer) {
  Scratch scratch;
  for (auto kind : {Aggregate::Kind::sum, Aggregate::Kind::avg, Aggregate::Kind::count_distinct, Aggregate::Kind::min,
                    Aggregate::Kind::max, Aggregate::Kind::median, Aggregate::Kind::count}) {
    Aggregate whole(kind), left(kind), right(kind);
    int i = 0;
    for (Value v : {Value::integer(3), Value::real(0.5), Value::integer(INT64_MAX), Value::string("7"),
                    Value::integer(3), Value::null(), Value::integer(-2)}) {
      whole.add(v);
      (i++ % 2 ? left : right).add(v);
    }
    std::string state;
    right.write_state(state);
    Aggregate again(kind);
    again.read_state(state);
    left.merge(again);
    std::string a, b;
    append_json_value(a, whole.result(scratch));
    append_json_value(b, left.result(scratch));
    EXPECT_EQ(a, b) << static_cast<int>(kind) << " state " << state;
  }
  Aggregate bad(Aggregate::Kind::sum);
  EXPECT_THROW(bad.read_state("[1,2]"), libpipe::Error);
  EXPECT_THROW(bad.read_state("{\"count\":1,\"int\":\"x\"}"), libpipe::Error);
}

TEST(Engine, GroupByOrderByLimitHavingDistinct) {
  std::string in =
      "{\"h\":\"a\",\"s\":200,\"b\":10}\n{\"h\":\"b\",\"s\":404,\"b\":1}\n{\"h\":\"a\",\"s\":200,\"b\":5}\n"
      "{\"h\":\"c\",\"s\":200,\"b\":7}\n{\"h\":\"b\",\"s\":200,\"b\":2}\n";
  EXPECT_EQ(text("SELECT h, count(*), sum(b) GROUP BY h", in), "a 2 15\nb 2 3\nc 1 7\n");
  EXPECT_EQ(text("SELECT h, count(*) AS n GROUP BY h HAVING n > 1 ORDER BY n DESC, h DESC", in), "b 2\na 2\n");
  EXPECT_EQ(text("SELECT s, count(DISTINCT h) GROUP BY s ORDER BY s", in), "200 3\n404 1\n");
  EXPECT_EQ(text("SELECT h, b ORDER BY b DESC LIMIT 2", in), "a 10\nc 7\n");
  EXPECT_EQ(text("SELECT DISTINCT s", in), "200\n404\n");
  EXPECT_EQ(text("SELECT DISTINCT h ORDER BY h DESC LIMIT 2", in), "c\nb\n");
  EXPECT_EQ(text("SELECT h WHERE s = 200 LIMIT 2", in), "a\na\n");
  EXPECT_EQ(text("SELECT upper(h) AS u, count(*) GROUP BY upper(h) ORDER BY u LIMIT 1", in), "A 2\n");
  EXPECT_EQ(text("SELECT s / 100 AS class, count(*) GROUP BY s / 100", in), "2 4\n4.04 1\n");
  // ORDER BY LIMIT k keeps its ties in the order they came.
  std::string many;
  for (int i = 0; i < 100; ++i) many += "{\"i\":" + std::to_string(i) + ",\"k\":" + std::to_string(i % 3) + "}\n";
  EXPECT_EQ(text("SELECT i ORDER BY k LIMIT 4", many), "0\n3\n6\n9\n");
  EXPECT_EQ(text("SELECT i ORDER BY k DESC, i DESC LIMIT 2", many), "98\n95\n");
}

// ORDER BY … LIMIT k passes over records that cannot beat the k-th row kept so far; the
// answer must be the brute-force one, ties in arrival order, whatever k and the direction.
TEST(Engine, OrderByLimitOverManyRecords) {
  std::string in;
  std::vector<std::pair<int, int>> records;  // (k, i)
  for (int i = 0; i < 3000; ++i) {
    int k = (i * 7919) % 211 - 50;  // repeats, so ties are common
    records.emplace_back(k, i);
    in += "{\"i\":" + std::to_string(i) + ",\"k\":" + std::to_string(k) + (i % 97 == 0 ? ",\"x\":1" : "") + "}\n";
  }
  for (std::size_t limit : {1u, 2u, 5u, 40u, 2999u, 5000u}) {
    for (bool descending : {false, true}) {
      auto sorted = records;
      std::stable_sort(sorted.begin(), sorted.end(), [&](const auto& a, const auto& b) {
        return descending ? a.first > b.first : a.first < b.first;
      });
      std::string want;
      for (std::size_t r = 0; r < std::min(limit, sorted.size()); ++r) {
        want += std::to_string(sorted[r].first) + " " + std::to_string(sorted[r].second) + "\n";
      }
      std::string query = std::string("SELECT k, i ORDER BY k") + (descending ? " DESC" : "") + " LIMIT " + std::to_string(limit);
      EXPECT_EQ(text(query, in), want) << query;
    }
  }
  // A missing key sorts first (NULL), and a key of another type beside numbers.
  EXPECT_EQ(text("SELECT i ORDER BY x DESC, i LIMIT 3", in), "0\n97\n194\n");
  EXPECT_EQ(text("SELECT i ORDER BY x, i DESC LIMIT 2", in), "2999\n2998\n");
}

// Once ORDER BY … LIMIT k has its best k rows, most records are passed over on their first
// sort key alone (query_engine.cpp). The answer must stay the first k rows of the whole
// ordered answer (ORDER BY without LIMIT keeps every row), whatever the keys' types, ties,
// NULLs and missing fields, and the later keys.
TEST(Engine, OrderByLimitIsTheHeadOfTheWholeOrder) {
  std::string in;
  std::uint32_t seed = 7;
  auto next = [&seed] { return (seed = seed * 1664525u + 1013904223u) >> 8; };
  for (int i = 0; i < 4000; ++i) {
    std::string a;
    switch (next() % 6) {
      case 0: a = std::to_string(static_cast<int>(next() % 50) - 10); break;
      case 1: a = std::to_string(next() % 50) + ".5"; break;
      case 2: a = "\"s" + std::to_string(next() % 20) + "\""; break;
      case 3: a = "null"; break;
      case 4: a = next() % 2 ? "true" : "false"; break;
      default: break;  // missing
    }
    in += "{\"i\":" + std::to_string(i) + (a.empty() ? "" : ",\"a\":" + a) + ",\"b\":" + std::to_string(next() % 7) + "}\n";
  }
  for (const char* where : {"", " WHERE b > 1"}) {
    for (const char* order : {"a DESC, b DESC", "a, b DESC", "b DESC, a", "a", "a DESC"}) {
      std::string query = std::string("SELECT a, b, i") + where + " ORDER BY " + order;
      const std::string whole = text(query, in);
      for (std::size_t limit : {1u, 3u, 50u}) {
        std::string head;
        std::size_t from = 0;
        for (std::size_t n = 0; n < limit && from < whole.size(); ++n) {
          std::size_t nl = whole.find('\n', from);
          head += whole.substr(from, nl + 1 - from);
          from = nl + 1;
        }
        ASSERT_EQ(text(query + " LIMIT " + std::to_string(limit), in), head) << query << " LIMIT " << limit;
      }
    }
  }
}

TEST(Engine, OutputForms) {
  std::string in = "{\"a\":\"x,y\",\"b\":1}\n{\"a\":\"t\\tq\\\"\",\"b\":null}\n";
  EngineOptions o;
  o.format = Format::csv;
  EXPECT_EQ(run("SELECT a, b", in, o), "a,b\n\"x,y\",1\n\"t\tq\"\"\",\n");
  o.format = Format::tsv;
  EXPECT_EQ(run("SELECT a, b", in, o), "a\tb\nx,y\t1\nt\\tq\"\t\n");
  o.header = false;
  EXPECT_EQ(run("SELECT b", in, o), "1\n\n");
  o.format = Format::table;
  o.header = true;
  EXPECT_EQ(run("SELECT a, b AS number", in, o), "a      number\n-----  ------\nx,y         1\nt\\tq\"        \n");
  EXPECT_EQ(run("SELECT *, b + 1 AS c", in), "{\"a\":\"x,y\",\"b\":1,\"c\":2}\n{\"a\":\"t\\tq\\\"\",\"b\":null,\"c\":null}\n");
  EXPECT_EQ(text("SELECT *", "{}\n"), "{}\n");
  EXPECT_EQ(run("SELECT *, 1 AS one", "{}\n"), "{\"one\":1}\n");
  o.format = Format::csv;
  EXPECT_THROW(run("SELECT *", in, o), libpipe::Error);
}

TEST(Engine, MalformedLinesAreSkippedAndCounted) {
  InputStats st;
  std::string out = run("SELECT a", "{\"a\":1}\nnot json\n[1]\n{\"a\":2}\n{\"a\":3} x\n\xff\n", {}, &st);
  EXPECT_EQ(out, "{\"a\":1}\n{\"a\":2}\n");
  EXPECT_EQ(st.malformed, 4u);
  EXPECT_EQ(st.first_malformed_line, 2u);
  // SELECT * prints the record as it is, so the whole record must be valid, not just `a`.
  out = run("a = 1", "{\"a\":1,\"b\":[1,}\n{\"a\":1,\"b\":2}\n", {}, &st);
  EXPECT_EQ(out, "{\"a\":1,\"b\":2}\n");
}

TEST(Engine, EveryPrintsTheAnswerSoFar) {
  EngineOptions o;
  o.format = Format::text;
  o.every = 2;
  EXPECT_EQ(run("SELECT sum(b)", "{\"b\":1}\n{\"b\":2}\n{\"b\":3}\n{\"b\":4}\n{\"b\":5}\n", o), "3\n10\n15\n");
  EXPECT_THROW(run("SELECT b", "", o), libpipe::Error);
}

TEST(Engine, PartialStatesMergeIntoTheSingleAnswer) {
  std::string a = "{\"h\":\"a\",\"b\":10}\n{\"h\":\"b\",\"b\":1}\n", b = "{\"h\":\"a\",\"b\":5}\n{\"h\":\"c\",\"b\":7}\n";
  for (std::string q : {"SELECT h, count(*), sum(b), avg(b), min(b), max(b), median(b), count(DISTINCT b) GROUP BY h "
                        "ORDER BY h",
                        "SELECT count(*)", "SELECT DISTINCT h", "SELECT h, b ORDER BY b DESC LIMIT 2", "b > 1",
                        "SELECT h, sum(b) GROUP BY h HAVING sum(b) > 7 ORDER BY 2 DESC LIMIT 1"}) {
    EngineOptions p;
    p.partial = true;
    EngineOptions m;
    m.merge = true;
    EXPECT_EQ(run(q, run(q, a, p) + run(q, b, p), m), run(q, a + b)) << q;
  }
}
