// gtail: follow growing and rotating log files (the tutorial's follow and multiplex).
#include <unistd.h>

#include <csignal>
#include <string>
#include <vector>

#include "libpipe/error.hpp"
#include "libpipe/follow.hpp"
#include "libpipe/output.hpp"
#include "libpipe/tool.hpp"
#include "libpipe/units.hpp"

namespace {

struct Options {
  std::vector<std::string> files;
  std::string lines;
  bool from_start = false;
  bool with_filename = false;
  bool once = false;
  bool follow = false;  // -f/-F: what gtail always does
  std::string poll;
  std::string state;
  int pid = 0;
  std::string idle_timeout;
};

// -n N: the last N lines; -n +K: from line K on (tail's syntax).
void parse_lines(const std::string& text, libpipe::FollowOptions& opt) {
  std::string digits = text.starts_with('+') ? text.substr(1) : text;
  std::size_t used = 0;
  unsigned long long n = 0;
  try {
    if (!digits.empty() && digits.front() >= '0' && digits.front() <= '9') n = std::stoull(digits, &used);
  } catch (...) {
    used = 0;
  }
  if (used == 0 || used != digits.size()) {
    throw libpipe::Error("-n '" + text + "'", "expected a number of lines, like 10, or +1 for the whole file");
  }
  opt.start = text.starts_with('+') ? libpipe::FollowOptions::Start::from_line
                                    : libpipe::FollowOptions::Start::last_lines;
  opt.count = n;
  opt.start_given = true;
}

}  // namespace

int main(int argc, char** argv) {
  return libpipe::run_tool(
      "gtail",
      [&](libpipe::Diagnostics& diag) {
        Options o;
        auto app = libpipe::make_app(
            "gtail",
            "Follow growing log files by name and print their lines as they are written: several\n"
            "files multiplexed in arrival order, through rename and copytruncate rotation, with\n"
            "nothing lost. --once --state FILE prints only what is new since the last run (cron).");
        app->add_option("files", o.files, "Files to follow ('-' is standard input)")->type_name("FILE")->required();
        auto* n = app->add_option("-n,--lines", o.lines, "Start with the last N lines; +K starts at line K (+1: whole file)")
                      ->type_name("N|+K");
        app->add_flag("--from-start", o.from_start, "Read each file from its start (same as -n +1)")->excludes(n);
        app->add_flag("-H,--with-filename", o.with_filename, "Prefix each line with its file name and a TAB");
        app->add_flag("-f,-F,--follow", o.follow, "Accepted for tail habits: following by name is the default");
        app->add_flag("--once", o.once, "Read what is there now and exit (with --state: what is new)");
        app->add_option("--state", o.state, "Resume where the last run left off, and record where this one ends")
            ->type_name("FILE");
        app->add_option("--poll", o.poll, "Check for changes every SECONDS instead of using inotify")
            ->type_name("SECONDS");
        app->add_option("--pid", o.pid, "Exit once process PID has ended (after reading what it wrote)")
            ->type_name("PID");
        app->add_option("--idle-timeout", o.idle_timeout, "Exit after SECONDS without a new line (e.g. 30, 5m)")
            ->type_name("SECONDS");
        libpipe::parse_command_line(*app, argc, argv);

        libpipe::FollowOptions opt;
        if (!o.lines.empty()) parse_lines(o.lines, opt);
        if (o.from_start) {
          opt.start = libpipe::FollowOptions::Start::from_line;
          opt.count = 1;
          opt.start_given = true;
        }
        opt.with_filename = o.with_filename;
        opt.once = o.once;
        opt.state_path = o.state;
        if (o.pid < 0) throw libpipe::Error("--pid " + std::to_string(o.pid), "expected a process id");
        opt.pid = o.pid;
        if (!o.poll.empty()) {
          opt.poll_interval = libpipe::parse_duration(o.poll);
          if (!(opt.poll_interval > 0)) throw libpipe::Error("--poll '" + o.poll + "'", "expected seconds above 0");
        }
        if (!o.idle_timeout.empty()) {
          opt.idle_timeout = libpipe::parse_duration(o.idle_timeout);
          if (!(opt.idle_timeout > 0)) {
            throw libpipe::Error("--idle-timeout '" + o.idle_timeout + "'", "expected seconds above 0");
          }
        }
        libpipe::Output out(STDOUT_FILENO);
        int status = libpipe::follow_files(o.files, opt, out, diag);
        out.flush();
        return status;
      },
      {SIGHUP, SIGUSR1});
}
