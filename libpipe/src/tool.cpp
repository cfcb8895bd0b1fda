#include "libpipe/tool.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "libpipe/signals.hpp"
#include "libpipe/version.hpp"

namespace libpipe {

namespace {
void write_stderr(std::string_view line) {
  std::string text(line);
  text += '\n';
  const char* p = text.data();
  std::size_t n = text.size();
  while (n > 0) {
    ssize_t put = ::write(STDERR_FILENO, p, n);
    if (put < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere left to complain
    }
    p += put;
    n -= static_cast<std::size_t>(put);
  }
}
}  // namespace

Diagnostics::Diagnostics(std::string tool, Sink sink)
    : tool_(std::move(tool)), sink_(sink ? std::move(sink) : Sink(write_stderr)) {}

void Diagnostics::emit(std::string_view message) { sink_(tool_ + ": " + std::string(message)); }

void Diagnostics::error(const Error& e) {
  ++errors_;
  emit(e.what());
}

void Diagnostics::error(std::string_view message) {
  ++errors_;
  emit(message);
}

void Diagnostics::note(std::string_view message) { emit(message); }

std::unique_ptr<CLI::App> make_app(std::string_view tool, std::string_view description) {
  auto app = std::make_unique<CLI::App>(std::string(description), std::string(tool));
  app->set_help_flag("-h,--help", "Print this help and exit");
  app->set_version_flag("--version", fmt::format("{} (gpipe) {}", tool, version),
                        "Print the version and exit");
  app->footer(fmt::format(
      "Exit status: 0 success, 1 some input could not be processed, 2 usage or fatal error.\n"
      "Full documentation: man {}", tool));
  app->get_formatter()->column_width(32);
  return app;
}

void parse_command_line(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    std::fflush(stdout);
    throw ExitRequest{0};
  } catch (const CLI::CallForVersion& e) {
    std::fputs(e.what(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
    throw ExitRequest{0};
  } catch (const CLI::ParseError& e) {
    write_stderr(fmt::format("{}: {}", app.get_name(), e.what()));
    write_stderr(fmt::format("Try '{} --help' for more information.", app.get_name()));
    throw ExitRequest{2};
  }
}

int run_tool(std::string_view tool, const std::function<int(Diagnostics&)>& body,
             std::initializer_list<int> stop_signals) {
  install_signal_handlers(stop_signals);
  Diagnostics diag{std::string(tool)};
  try {
    return body(diag);
  } catch (const ExitRequest& e) {
    return e.status;
  } catch (const DownstreamClosed&) {
    return 0;
  } catch (const std::bad_alloc&) {
    write_stderr(fmt::format("{}: out of memory", tool));
  } catch (const std::exception& e) {
    write_stderr(fmt::format("{}: {}", tool, e.what()));
  }
  return 2;
}

}  // namespace libpipe
