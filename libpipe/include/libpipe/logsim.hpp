#pragma once
// Synthetic web-server access logs, like the tutorial's makebig.py and logsim.py, for
// demos, tests and benchmarks. The same seed always gives the same log.
//
// The traffic is meant to look real: many hosts with a long tail (Zipf), popular and rare
// pages, about 1.5% 404s, 304s with `-` bytes, a few multi-megabyte downloads, robots.txt
// hits from crawlers, realistic user agents and referers, IPv6 clients. Every line is
// well formed unless damaged lines are asked for (`malformed_rate`).
//
//   libpipe::LogSimulator sim({.seed = 7});
//   std::string buf;
//   for (int i = 0; i < 1000; ++i) sim.append_line(buf);   // each line ends in '\n'

#include <cstdint>
#include <memory>
#include <string>

namespace libpipe {

enum class LogFormat { common, combined };

struct LogSimOptions {
  std::uint64_t seed = 1;
  LogFormat format = LogFormat::combined;
  // Fraction of lines damaged as real logs get damaged: cut off, binary junk, stray text.
  double malformed_rate = 0;
  // Epoch seconds of the first request (default 2008-02-24 00:00:00 -0600, the tutorial's).
  double start_time = 1203832800.0;
  // The zone written in timestamps, in minutes east of UTC.
  int utc_offset_minutes = -360;
  // Average seconds between two requests.
  double mean_interval = 2.0;
};

class LogSimulator {
 public:
  explicit LogSimulator(const LogSimOptions& options);
  ~LogSimulator();
  LogSimulator(LogSimulator&&) noexcept;
  LogSimulator& operator=(LogSimulator&&) noexcept;

  // Appends the next line, with its newline, and moves the clock on.
  void append_line(std::string& out);

  // The clock, in epoch seconds: the time the next line will carry.
  double time() const noexcept;
  void set_time(double epoch_seconds) noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Lays out a tree like the tutorial's `www/`: DIR/foo/access-log with older
// access-log-0108.gz and access-log-0208.gz beside it, DIR/bar/access-log with .bz2 ones.
// Each file holds `lines_per_file` lines of its own month (January, February, March
// 2008); each file's mtime is the time of its last line. Throws Error on I/O failure.
void write_log_tree(const std::string& dir, const LogSimOptions& options,
                    std::uint64_t lines_per_file);

// Real-time mode (logsim.py): appends lines to a file at a steady rate, rotating it
// the way logrotate does, until `total_lines` are written (0: until a stop signal).
struct RealtimeOptions {
  std::string path;
  double lines_per_second = 10;
  std::uint64_t total_lines = 0;
  // Rotate after this many lines (0: never).
  std::uint64_t rotate_every = 0;
  // rename: FILE -> FILE.1 (FILE.1 -> FILE.2 …), then a new FILE. copytruncate: copy
  // FILE to FILE.1, then truncate FILE in place.
  enum class Rotation { rename, copytruncate } rotation = Rotation::rename;
  // After a rename, this many lines still go to the old file, as a server keeps writing
  // to its old descriptor until it reopens its log.
  std::uint64_t late_lines = 0;
  // Rotated files kept (FILE.1 … FILE.keep).
  unsigned keep = 5;
};
void run_realtime(const RealtimeOptions& options, LogSimulator& sim);

}  // namespace libpipe
