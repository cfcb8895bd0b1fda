#pragma once
// Waits until a followed file may have changed, without busy polling: inotify reports
// writes to the files being read (watched by inode, so a renamed file is still heard) and
// names appearing, vanishing or moving in their directories. The watcher only wakes its
// user, who then looks (stat, read) — so a missed or merged event costs nothing but a
// little latency, and an overflowing event queue is harmless.
//
// Where inotify cannot help — it is unavailable, out of watches, or the directory is on a
// network filesystem whose remote writers it never hears — the watcher falls back to
// checking at a fixed interval; `--poll SECONDS` asks for that from the start.
//
//   libpipe::ChangeWatcher w;                       // inotify, or polling as a fallback
//   w.watch_directory("/var/log");
//   int wd = w.watch_file(fd);
//   w.wait({}, -1);                                  // until something happened
//
// wait() also returns when a stop signal arrives (signals.hpp), without a race: the
// signals are blocked while the stop flag is checked and unblocked atomically by ppoll.

#include <poll.h>

#include <map>
#include <span>
#include <string>
#include <vector>

namespace libpipe {

class ChangeWatcher {
 public:
  // poll_interval > 0: check every poll_interval seconds and never use inotify.
  // Otherwise inotify, falling back to checks every `fallback_interval` seconds.
  explicit ChangeWatcher(double poll_interval = 0, double fallback_interval = 0.1);
  ~ChangeWatcher();
  ChangeWatcher(const ChangeWatcher&) = delete;
  ChangeWatcher& operator=(const ChangeWatcher&) = delete;

  // True when changes are found by checking at intervals rather than reported.
  bool polling() const noexcept { return ifd_ < 0; }
  // Why the watcher fell back to polling by itself ("" when it did not).
  const std::string& fallback_reason() const noexcept { return fallback_reason_; }
  // Seconds between checks when polling.
  double interval() const noexcept { return interval_; }

  // Hears names appear, vanish and move in `dir`. False when the directory cannot be
  // watched now (it does not exist): the caller tries again later.
  bool watch_directory(const std::string& dir);
  // Hears writes to, truncation of and renames of the file open on `fd`. Returns a watch
  // id for unwatch_file(), or -1 (polling, or the watch could not be added).
  int watch_file(int fd);
  void unwatch_file(int wd);

  // Waits until something may have changed, one of `extra` is ready (its revents are set),
  // a stop signal arrived, or `timeout_ms` passed (-1: no limit; when polling, never longer
  // than the interval). Returns true when woken by a change or by `extra`.
  bool wait(std::span<pollfd> extra, int timeout_ms);

  // The file watches (ids from watch_file) that reported a change during the last wait, in
  // the order their first event came: the order in which the files were written to.
  const std::vector<int>& changed() const noexcept { return changed_; }

 private:
  void fall_back(std::string reason);
  bool read_events();

  int ifd_ = -1;
  double interval_;
  std::string fallback_reason_;
  std::map<int, int> file_watch_refs_;  // inotify shares one watch per inode
  std::vector<int> changed_;
};

}  // namespace libpipe
