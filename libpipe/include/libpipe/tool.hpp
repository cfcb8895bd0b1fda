#pragma once
// The conventions every gpipe tool follows, in one place (design.md, "Conventions"):
// `-h/--help` and `--version`; diagnostics as `tool: [file: ]message`, one line each, on
// stderr; exit status 0 success, 1 some input could not be processed, 2 usage or fatal
// error; a closed downstream pipe ends the tool quietly with status 0; SIGINT/SIGTERM
// stop reading, and what was produced is flushed.
//
// A tool's main is option parsing and wiring:
//
//   int main(int argc, char** argv) {
//     return libpipe::run_tool("gsum", [&](libpipe::Diagnostics& diag) {
//       auto app = libpipe::make_app("gsum", "Total a column of numbers.");
//       Options opt;  app.add_option(...);
//       libpipe::parse_command_line(app, argc, argv);
//       return libpipe::gsum(opt, diag);            // the work lives in libpipe
//     });
//   }

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "libpipe/error.hpp"

namespace libpipe {

// Reports problems as `tool: message` lines and remembers whether any input failed.
class Diagnostics {
 public:
  using Sink = std::function<void(std::string_view line)>;

  // By default lines go to stderr, each in one write so lines of concurrent tools
  // never interleave.
  explicit Diagnostics(std::string tool, Sink sink = {});

  // An input that could not be processed; the run goes on and ends with status 1.
  void error(const Error& e);
  void error(std::string_view message);
  // Something the user should know that is not a failure (a summary of skipped lines).
  void note(std::string_view message);

  bool had_errors() const noexcept { return errors_ > 0; }
  std::uint64_t error_count() const noexcept { return errors_; }
  // 0, or 1 after an error.
  int exit_status() const noexcept { return errors_ > 0 ? 1 : 0; }
  const std::string& tool() const noexcept { return tool_; }

 private:
  void emit(std::string_view message);

  std::string tool_;
  Sink sink_;
  std::uint64_t errors_ = 0;
};

// A CLI11 app with gpipe's --help and --version, and the footer every tool shares.
std::unique_ptr<CLI::App> make_app(std::string_view tool, std::string_view description);

// Parses the command line. --help and --version print and throw ExitRequest{0};
// a usage error prints `tool: message` and a hint, and throws ExitRequest{2}.
void parse_command_line(CLI::App& app, int argc, char** argv);

// Runs a tool's body with the conventions above and returns the exit status.
// `stop_signals` adds signals that also mean "stop cleanly" (gtail: SIGHUP, SIGUSR1).
int run_tool(std::string_view tool, const std::function<int(Diagnostics&)>& body,
             std::initializer_list<int> stop_signals = {});

}  // namespace libpipe
