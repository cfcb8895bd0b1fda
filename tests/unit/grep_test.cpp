#include "libpipe/grep.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "libpipe/output.hpp"
#include "libpipe/tool.hpp"

namespace {

struct Run {
  std::string out;
  std::vector<std::string> messages;
  int status = -1;
};

// Runs run_grep over one file holding `input` (named IN in messages and prefixes).
Run grep(libpipe::GrepOptions opt, const std::string& input) {
  Run r;
  char in_path[] = "/tmp/grep-test-in.XXXXXX";
  char out_path[] = "/tmp/grep-test-out.XXXXXX";
  int in_fd = mkstemp(in_path), out_fd = mkstemp(out_path);
  EXPECT_EQ(write(in_fd, input.data(), input.size()), static_cast<ssize_t>(input.size()));
  close(in_fd);
  if (opt.files.empty()) opt.files = {in_path};
  for (auto& f : opt.files) {
    if (f == "IN") f = in_path;
  }
  libpipe::Diagnostics diag("ggrep", [&](std::string_view l) { r.messages.emplace_back(l); });
  {
    libpipe::Output out(out_fd, "out");
    r.status = libpipe::run_grep(opt, out, diag);
  }
  std::ifstream f(out_path);
  r.out.assign((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  close(out_fd);
  unlink(in_path);
  unlink(out_path);
  auto fix = [&](std::string& s) {
    for (auto at = s.find(in_path); at != std::string::npos; at = s.find(in_path)) s.replace(at, std::strlen(in_path), "IN");
  };
  fix(r.out);
  for (auto& m : r.messages) fix(m);
  return r;
}

libpipe::GrepOptions with(std::string pattern) {
  libpipe::GrepOptions o;
  o.matcher.patterns = {std::move(pattern)};
  return o;
}

const std::string text = "alpha 1\nbeta 2\ngamma 3\nbeta 4\nlast without newline";

}  // namespace

TEST(RunGrep, SelectsLinesAndExitsLikeGrep) {
  auto r = grep(with("beta"), text);
  EXPECT_EQ(r.out, "beta 2\nbeta 4\n");
  EXPECT_EQ(r.status, 0);
  r = grep(with("zeta"), text);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.status, 1);
  r = grep(with("newline"), text);
  EXPECT_EQ(r.out, "last without newline\n");  // the missing newline is supplied
}

TEST(RunGrep, InvertCountNumbersMax) {
  auto o = with("beta");
  o.invert = true;
  o.line_number = true;
  EXPECT_EQ(grep(o, text).out, "1:alpha 1\n3:gamma 3\n5:last without newline\n");
  o = with("a");
  o.count = true;
  EXPECT_EQ(grep(o, text).out, "5\n");
  o = with("a");
  o.max_count = 2;
  o.line_number = true;
  EXPECT_EQ(grep(o, text).out, "1:alpha 1\n2:beta 2\n");
  o.max_count = 0;
  auto r = grep(o, text);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.status, 1);
}

TEST(RunGrep, OnlyMatchingAndColor) {
  auto o = with("[0-9]|ta");
  o.only_matching = true;
  EXPECT_EQ(grep(o, "beta 2 x3\nnone\n").out, "ta\n2\n3\n");
  o = with("ta");
  o.color = true;
  EXPECT_EQ(grep(o, "beta tab\n").out, "be\33[01;31m\33[Kta\33[m\33[K \33[01;31m\33[Kta\33[m\33[Kb\n");
}

TEST(RunGrep, FileNamesAndErrors) {
  auto o = with("beta");
  o.files = {"IN", "/nonexistent/file", "IN"};
  o.count = true;
  auto r = grep(o, text);
  EXPECT_EQ(r.out, "IN:2\nIN:2\n");
  EXPECT_EQ(r.messages, std::vector<std::string>{"ggrep: /nonexistent/file: No such file or directory"});
  EXPECT_EQ(r.status, 2);  // an error wins over a match, as in grep
  o.no_messages = true;
  r = grep(o, text);
  EXPECT_TRUE(r.messages.empty());
  EXPECT_EQ(r.status, 2);
  o.quiet = true;
  r = grep(o, text);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.status, 0);  // -q: a selected line wins
}

TEST(RunGrep, RecordsPassThroughByteForByte) {
  auto o = with("^/ply/");
  o.field = "request";
  std::string records =
      "{\"request\":\"/ply/ply-2.3.tar.gz\", \"status\":200}\n"
      "{\"request\":\"/index.html\"}\n"
      "{\"status\":404}\n"
      "{\"request\":\"\\/ply\\/escaped\"}\n"
      "not a record\n";
  auto r = grep(o, records);
  EXPECT_EQ(r.out, "{\"request\":\"/ply/ply-2.3.tar.gz\", \"status\":200}\n{\"request\":\"\\/ply\\/escaped\"}\n");
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].rfind("ggrep: IN: not a JSON record, line 5: ", 0), 0u) << r.messages[0];
  EXPECT_EQ(r.status, 2);
  o = with("^404$");
  o.field = "status";
  o.invert = true;
  r = grep(o, "{\"status\":404}\n{\"status\":200}\n{}\n");
  EXPECT_EQ(r.out, "{\"status\":200}\n{}\n");  // a missing field does not match
}
