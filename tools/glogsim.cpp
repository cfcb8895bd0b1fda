// glogsim: synthetic access logs (the tutorial's makebig.py and logsim.py).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "libpipe/error.hpp"
#include "libpipe/logsim.hpp"
#include "libpipe/output.hpp"
#include "libpipe/signals.hpp"
#include "libpipe/tool.hpp"
#include "libpipe/units.hpp"

namespace {

struct Options {
  std::uint64_t seed = 1;
  std::string format = "combined";
  std::optional<std::uint64_t> lines;
  std::optional<std::string> size;
  std::string output;
  double malformed = 0;
  std::string tree;
  std::string rate;
  std::uint64_t rotate_every = 0;
  std::string rotation = "rename";
  std::uint64_t late_lines = 0;
  unsigned keep = 5;
};

double parse_rate(const std::string& text) {
  std::string number = text;
  if (number.ends_with("/s")) number.resize(number.size() - 2);
  std::size_t used = 0;
  double rate = 0;
  try {
    rate = std::stod(number, &used);
  } catch (...) {
    used = 0;
  }
  if (used != number.size() || !(rate > 0)) {
    throw libpipe::Error("rate '" + text + "'", "expected lines per second, like 100/s");
  }
  return rate;
}

// Batch mode: --lines N or --size BYTES of log to stdout or --output.
void write_batch(const Options& opt, libpipe::LogSimulator& sim) {
  int fd = STDOUT_FILENO;
  std::string name = "standard output";
  if (!opt.output.empty()) {
    fd = ::open(opt.output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) throw libpipe::system_error(opt.output, errno);
    name = opt.output;
  }
  libpipe::Output out(fd, name);
  out.set_line_buffered(false);
  std::uint64_t max_lines = opt.lines.value_or(UINT64_MAX);
  std::uint64_t max_bytes = opt.size ? libpipe::parse_size(*opt.size) : UINT64_MAX;
  if (!opt.lines && !opt.size) max_lines = 1000;
  std::string chunk;
  std::uint64_t lines = 0, bytes = 0;
  while (lines < max_lines && bytes < max_bytes && !libpipe::stop_requested()) {
    chunk.clear();
    while (chunk.size() < (1u << 20) - 4096 && lines < max_lines && bytes + chunk.size() < max_bytes) {
      sim.append_line(chunk);
      ++lines;
    }
    bytes += chunk.size();
    out.write(chunk);
  }
  out.flush();
  if (fd != STDOUT_FILENO && ::close(fd) != 0) throw libpipe::system_error(opt.output, errno);
}

}  // namespace

int main(int argc, char** argv) {
  return libpipe::run_tool("glogsim", [&](libpipe::Diagnostics&) {
    Options opt;
    auto app = libpipe::make_app(
        "glogsim",
        "Write realistic synthetic web-server access logs: deterministic for a seed, in batch\n"
        "(--lines, --size), as a tree of plain and compressed logs (--tree), or appended in\n"
        "real time with rotation (--rate).");
    app->add_option("--seed", opt.seed, "Seed of the pseudo-random generator (default 1)")->type_name("N");
    app->add_option("--format", opt.format, "common or combined (default combined)")
        ->type_name("FORMAT")
        ->check(CLI::IsMember({"common", "combined"}));
    auto* lines = app->add_option("-n,--lines", opt.lines, "Write N lines (default 1000; per file with --tree)")
                    ->type_name("N");
    app->add_option("--size", opt.size, "Write about SIZE bytes of log, e.g. 100M or 1G")
        ->type_name("SIZE")
        ->excludes(lines);
    app->add_option("-o,--output", opt.output, "Write to FILE instead of standard output")->type_name("FILE");
    app->add_option("--malformed", opt.malformed, "Fraction of lines to damage (0 to 1, default 0)")
        ->type_name("RATE")
        ->check(CLI::Range(0.0, 1.0));
    app->add_option("--tree", opt.tree, "Lay out DIR/foo and DIR/bar like the tutorial's www/")->type_name("DIR");
    auto* rate = app->add_option("--rate", opt.rate, "Append N lines per second (N/s) to --output, forever or for --lines")
                   ->type_name("N/s");
    app->add_option("--rotate-every", opt.rotate_every, "With --rate: rotate the file every N lines")->type_name("N")->needs(rate);
    app->add_option("--rotation", opt.rotation, "With --rate: rename (default) or copytruncate")
        ->type_name("HOW")
        ->check(CLI::IsMember({"rename", "copytruncate"}))->needs(rate);
    app->add_option("--late-lines", opt.late_lines,
                    "With --rate: after a rename, write N more lines to the old file")
        ->type_name("N")
        ->needs(rate);
    app->add_option("--keep", opt.keep, "With --rate: rotated files to keep (default 5)")->type_name("N")->needs(rate);
    libpipe::parse_command_line(*app, argc, argv);

    libpipe::LogSimOptions sim_opt;
    sim_opt.seed = opt.seed;
    sim_opt.format = opt.format == "common" ? libpipe::LogFormat::common : libpipe::LogFormat::combined;
    sim_opt.malformed_rate = opt.malformed;

    if (!opt.tree.empty()) {
      libpipe::write_log_tree(opt.tree, sim_opt, opt.lines.value_or(1000));
      return 0;
    }
    if (!opt.rate.empty()) {
      if (opt.output.empty()) throw libpipe::Error("--rate needs --output FILE");
      libpipe::RealtimeOptions rt;
      rt.path = opt.output;
      rt.lines_per_second = parse_rate(opt.rate);
      rt.total_lines = opt.lines.value_or(0);
      rt.rotate_every = opt.rotate_every;
      rt.rotation = opt.rotation == "copytruncate" ? libpipe::RealtimeOptions::Rotation::copytruncate
                                                   : libpipe::RealtimeOptions::Rotation::rename;
      rt.late_lines = opt.late_lines;
      rt.keep = opt.keep;
      sim_opt.utc_offset_minutes = 0;  // real time is written in UTC
      libpipe::LogSimulator sim(sim_opt);
      libpipe::run_realtime(rt, sim);
      return 0;
    }
    libpipe::LogSimulator sim(sim_opt);
    write_batch(opt, sim);
    return 0;
  });
}
