#include "libpipe/tool.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <string>
#include <vector>

#include "libpipe/byte_source.hpp"
#include "libpipe/error.hpp"
#include "libpipe/signals.hpp"

namespace {
struct Captured {
  std::vector<std::string> lines;
  libpipe::Diagnostics::Sink sink() {
    return [this](std::string_view l) { lines.emplace_back(l); };
  }
};
}  // namespace

TEST(Diagnostics, FormatsToolFileMessage) {
  Captured c;
  libpipe::Diagnostics diag("gtool", c.sink());
  EXPECT_EQ(diag.exit_status(), 0);
  diag.note("3 of 10 lines did not parse");
  EXPECT_EQ(diag.exit_status(), 0);
  diag.error(libpipe::Error("www/x.gz", "unexpected end of file"));
  diag.error(libpipe::system_error("secret", EACCES));
  EXPECT_EQ(c.lines, (std::vector<std::string>{"gtool: 3 of 10 lines did not parse",
                                                "gtool: www/x.gz: unexpected end of file",
                                                "gtool: secret: Permission denied"}));
  EXPECT_EQ(diag.error_count(), 2u);
  EXPECT_EQ(diag.exit_status(), 1);
}

TEST(RunTool, ExitStatuses) {
  EXPECT_EQ(libpipe::run_tool("t", [](libpipe::Diagnostics&) { return 0; }), 0);
  EXPECT_EQ(libpipe::run_tool("t", [](libpipe::Diagnostics&) { return 1; }), 1);
  EXPECT_EQ(libpipe::run_tool("t", [](libpipe::Diagnostics&) -> int { throw libpipe::DownstreamClosed{}; }), 0);
  EXPECT_EQ(libpipe::run_tool("t", [](libpipe::Diagnostics&) -> int { throw libpipe::ExitRequest{2}; }), 2);
  testing::internal::CaptureStderr();
  EXPECT_EQ(libpipe::run_tool("t", [](libpipe::Diagnostics&) -> int { throw libpipe::Error("f", "broken"); }), 2);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "t: f: broken\n");
}

TEST(ParseCommandLine, UsageErrorsExitTwo) {
  auto app = libpipe::make_app("t", "A test tool.");
  int n = 0;
  app->add_option("-n", n, "A number");
  const char* argv[] = {"t", "--bogus"};
  testing::internal::CaptureStderr();
  try {
    libpipe::parse_command_line(*app, 2, const_cast<char**>(argv));
    FAIL() << "no exit";
  } catch (const libpipe::ExitRequest& e) {
    EXPECT_EQ(e.status, 2);
  }
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(err.rfind("t: ", 0), 0u) << err;
}

TEST(ParseCommandLine, HelpAndVersionExitZero) {
  for (const char* flag : {"--help", "-h", "--version"}) {
    auto app = libpipe::make_app("t", "A test tool.");
    const char* argv[] = {"t", flag};
    testing::internal::CaptureStdout();
    try {
      libpipe::parse_command_line(*app, 2, const_cast<char**>(argv));
      FAIL() << "no exit for " << flag;
    } catch (const libpipe::ExitRequest& e) {
      EXPECT_EQ(e.status, 0);
    }
    std::string out = testing::internal::GetCapturedStdout();
    EXPECT_FALSE(out.empty()) << flag;
  }
}

TEST(Signals, AStopSignalEndsInput) {
  libpipe::install_signal_handlers();
  libpipe::reset_stop_request();
  EXPECT_FALSE(libpipe::stop_requested());
  raise(SIGTERM);
  EXPECT_TRUE(libpipe::stop_requested());
  EXPECT_EQ(libpipe::stop_signal(), SIGTERM);
  // A source reports the end of input once a stop was asked for.
  libpipe::FdSource src(0, "standard input", false);
  char buf[4];
  EXPECT_EQ(src.read(buf, sizeof buf), 0u);
  libpipe::reset_stop_request();
}
