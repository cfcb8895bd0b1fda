#include "libpipe/sum.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "libpipe/output.hpp"
#include "libpipe/tool.hpp"

namespace {

libpipe::Summary summary_of(std::initializer_list<const char*> values) {
  libpipe::Summary s;
  for (const char* v : values) {
    libpipe::Number n;
    EXPECT_TRUE(libpipe::parse_number(v, n)) << v;
    s.add(n);
  }
  return s;
}

std::string total(const libpipe::Summary& s) {
  std::string out;
  s.append_sum(out);
  return out;
}

std::string column(std::string_view line, int col, std::optional<char> delim = std::nullopt) {
  std::string_view v;
  if (!libpipe::find_column(line, {col, delim}, v)) return "<none>";
  return std::string(v);
}

}  // namespace

TEST(Summary, IntegersAreExactBeyond64Bits) {
  libpipe::Summary s;
  s.add(INT64_MAX);
  s.add(INT64_MAX);
  EXPECT_EQ(total(s), "18446744073709551614");
  EXPECT_EQ(total(summary_of({"170141183460469231731687303715884105727", "1"})).size(), 39u);
}

TEST(Summary, DecimalsAreExact) {
  EXPECT_EQ(total(summary_of({"0.1", "0.2"})), "0.3");
  EXPECT_EQ(total(summary_of({"10.10", "0.90"})), "11.00");
  EXPECT_EQ(total(summary_of({"1", "2.50"})), "3.50");  // mixed: the most fraction digits
  EXPECT_EQ(total(summary_of({"1.5", "-1.5"})), "0.0");
  EXPECT_EQ(total(summary_of({"-0.75", "0.5"})), "-0.25");
  EXPECT_EQ(total(summary_of({"2", "-0.5"})), "1.5");
  libpipe::Summary many;
  libpipe::Number tenth;
  libpipe::parse_number("0.1", tenth);
  for (int i = 0; i < 1000000; ++i) many.add(tenth);
  EXPECT_EQ(total(many), "100000.0");  // a double would give 100000.00000133288
}

TEST(Summary, BeyondExactnessIsCompensated) {
  // 19 fraction digits: summed as doubles, but with Neumaier's compensation.
  libpipe::Summary s;
  libpipe::Number big, small;
  libpipe::parse_number("1e100", big);
  libpipe::parse_number("0.1000000000000000000001", small);
  s.add(big);
  s.add(small);
  big.negative = true;
  big.approx = -big.approx;
  s.add(big);
  EXPECT_EQ(total(s), "0.1");  // naive summation gives 0
}

TEST(Summary, ATotalBeyondADoubleIsInfinityNotNaN) {
  // The compensation term of an infinite sum is NaN (inf - inf): the total must not be.
  libpipe::Summary s = summary_of({"1e308", "1e308", "-1"});
  EXPECT_TRUE(s.overflowed());
  EXPECT_EQ(total(s), "inf");
  libpipe::Summary n = summary_of({"-1e308", "-1e308"});
  EXPECT_EQ(total(n), "-inf");
  EXPECT_FALSE(summary_of({"1e308", "-1e308", "1e308"}).overflowed());
}

TEST(Summary, CountMinMaxMean) {
  libpipe::Summary s = summary_of({"3", "-2.5", "10"});
  s.add(std::int64_t{-7});
  EXPECT_EQ(s.count(), 4u);
  std::string t;
  s.append_min(t);
  t += ' ';
  s.append_max(t);
  t += ' ';
  s.append_mean(t);
  EXPECT_EQ(t, "-7 10 0.875");
  libpipe::Summary empty;
  t.clear();
  empty.append_sum(t);
  empty.append_min(t);
  empty.append_mean(t);
  EXPECT_EQ(t, "0--");
}

TEST(FindColumn, Whitespace) {
  EXPECT_EQ(column("a b  c", -1), "c");
  EXPECT_EQ(column("a b  c \r", -1), "c");
  EXPECT_EQ(column("  a b  c", 1), "a");
  EXPECT_EQ(column("a b  c", 3), "c");
  EXPECT_EQ(column("a b  c", -3), "a");
  EXPECT_EQ(column("a b  c", 4), "<none>");
  EXPECT_EQ(column("a b  c", -4), "<none>");
  EXPECT_EQ(column("   ", -1), "<none>");
  EXPECT_EQ(column("x\ty", 2), "y");
}

TEST(FindColumn, Delimiter) {
  EXPECT_EQ(column("a,b,,d", 2, ','), "b");
  EXPECT_EQ(column("a,b,,d", 3, ','), "");
  EXPECT_EQ(column("a,b,,d", -1, ','), "d");
  EXPECT_EQ(column("a,b,,d", -4, ','), "a");
  EXPECT_EQ(column("a,b,,d", 5, ','), "<none>");
  EXPECT_EQ(column("a,b,,d", -5, ','), "<none>");
  EXPECT_EQ(column("a, 12 ,c", 2, ','), "12");
}

namespace {

// Runs run_gsum on the given input; returns stdout, and the diagnostics in `messages`.
std::string gsum(const libpipe::SumOptions& base, const std::string& input, std::vector<std::string>& messages,
                 int* status = nullptr) {
  char in_path[] = "/tmp/gsum-test-in.XXXXXX";
  char out_path[] = "/tmp/gsum-test-out.XXXXXX";
  int in_fd = mkstemp(in_path), out_fd = mkstemp(out_path);
  EXPECT_EQ(write(in_fd, input.data(), input.size()), static_cast<ssize_t>(input.size()));
  close(in_fd);
  libpipe::SumOptions opt = base;
  opt.files = {in_path};
  libpipe::Diagnostics diag("gsum", [&](std::string_view l) { messages.emplace_back(l); });
  {
    libpipe::Output out(out_fd, "out");
    int s = libpipe::run_gsum(opt, out, diag);
    if (status) *status = s;
  }
  std::ifstream f(out_path);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  close(out_fd);
  unlink(in_path);
  unlink(out_path);
  for (auto& m : messages) {
    auto at = m.find(in_path);
    if (at != std::string::npos) m.replace(at, std::string(in_path).size(), "IN");
  }
  return text;
}

}  // namespace

TEST(RunGsum, TheTutorialsBytesColumn) {
  std::vector<std::string> msgs;
  std::string log =
      "81.107.39.38 - - [24/Feb/2008:00:08:59 -0600] \"GET /ply/ HTTP/1.1\" 200 7587\n"
      "81.107.39.38 - - [24/Feb/2008:00:08:59 -0600] \"GET /ply/ HTTP/1.1\" 304 -\n"
      "66.249.65.37 - - [24/Feb/2008:00:09:01 -0600] \"GET /robots.txt HTTP/1.1\" 404 133\n"
      "\n"
      "junk line without a number\n"
      "1.2.3.4 - - [24/Feb/2008:00:10:00 -0600] \"GET / HTTP/1.1\" 200 100";  // no final newline
  EXPECT_EQ(gsum({}, log, msgs), "7820\n");
  EXPECT_EQ(msgs, std::vector<std::string>{"gsum: IN: line 5: 'number' is not a number (skipped)"});
}

TEST(RunGsum, StrictRunningAndStats) {
  std::vector<std::string> msgs;
  int status = 0;
  libpipe::SumOptions strict;
  strict.strict = true;
  EXPECT_EQ(gsum(strict, "1\nx\ny\n2\n", msgs, &status), "3\n");
  EXPECT_EQ(status, 1);
  EXPECT_EQ(msgs, std::vector<std::string>{"gsum: 2 values skipped; the first: IN: line 2: 'x' is not a number"});
  msgs.clear();
  libpipe::SumOptions running;
  running.running = true;
  EXPECT_EQ(gsum(running, "1\n-\n2.5\n", msgs), "1\n1\n3.5\n");
  libpipe::SumOptions stats;
  stats.stats = true;
  EXPECT_EQ(gsum(stats, "4\n1\n", msgs), "sum 5\ncount 2\nmin 1\nmax 4\nmean 2.5\n");
  libpipe::SumOptions some;
  some.count = some.max = true;
  EXPECT_EQ(gsum(some, "4\n1\n", msgs), "2 4\n");
  EXPECT_TRUE(msgs.empty());
}

TEST(RunGsum, ValuesBeyondADoubleAreSkippedAsOutOfRange) {
  std::vector<std::string> msgs;
  int status = 0;
  EXPECT_EQ(gsum({}, "1e999\n-1e999\n5\n", msgs, &status), "5\n");
  EXPECT_EQ(status, 0);
  EXPECT_EQ(msgs, std::vector<std::string>{"gsum: 2 values skipped; the first: IN: line 1: '1e999' is out of range"});
  msgs.clear();
  EXPECT_EQ(gsum({}, "1e308\n1e308\n", msgs, &status), "inf\n");
  EXPECT_EQ(status, 1);
  EXPECT_EQ(msgs, std::vector<std::string>{
                      "gsum: the total is beyond the range of a double (about 1.8e308), and printed as inf"});
}

TEST(RunGsum, Records) {
  std::vector<std::string> msgs;
  libpipe::SumOptions opt;
  opt.field = "r.bytes";
  EXPECT_EQ(gsum(opt, "{\"r\":{\"bytes\":10}}\n{\"r\":{\"bytes\":0.5}}\n{\"r\":{}}\n{\"r\":{\"bytes\":\"2\"}}\n"
                      "{\"r\":{\"bytes\":null}}\n[1]\n",
                 msgs),
            "12.5\n");
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].rfind("gsum: IN: line 6: not a JSON record", 0), 0u) << msgs[0];
  msgs.clear();
  opt.field = "byts";
  EXPECT_EQ(gsum(opt, "{\"bytes\":1}\n", msgs), "0\n");
  EXPECT_EQ(msgs, std::vector<std::string>{"gsum: no record has a field 'byts'"});
}

// The default column is read by a fast path (eight bytes at a time, backwards from the end of
// the line); --running takes the general one. Both must agree on every kind of line end,
// over more than 1 MB (which is read in place, mapped) with lines across block boundaries.
TEST(RunGsum, TheFastPathAgreesWithTheGeneralOne) {
  const char* ends[] = {" 1",        " 12",      " 1234567",  " 12345678", " 123456789012345678", " 1234567890123456789",
                        " 00042",    "\t77",     " 5 ",       " 6\t\r",     " -",                    " -5",
                        " +5",       " 1.5",     " x12",      " 12x",       "",                      " 99999999",
                        "\v3",       " \x80" "9", " 0",       " 10000000"};
  const char* starts[] = {"", "a", "host - - [x] \"GET / HTTP/1.1\" 200", "7", "seven chars"};
  std::string input;
  std::size_t k = 0;
  while (input.size() < (std::size_t{3} << 20)) {
    input += starts[k % std::size(starts)];
    input += ends[k % std::size(ends)];
    input += '\n';
    ++k;
  }
  input += "last line 40";  // without a newline
  std::vector<std::string> msgs;
  std::string fast = gsum({}, input, msgs);
  libpipe::SumOptions running;
  running.running = true;
  std::vector<std::string> running_msgs;
  std::string all = gsum(running, input, running_msgs);
  ASSERT_GE(all.size(), 2u);
  all.pop_back();
  EXPECT_EQ(fast, all.substr(all.rfind('\n') + 1) + "\n");
  EXPECT_EQ(msgs, running_msgs);
}
