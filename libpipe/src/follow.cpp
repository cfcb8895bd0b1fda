#include "libpipe/follow.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <list>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "libpipe/change_watcher.hpp"
#include "libpipe/error.hpp"
#include "libpipe/follow_state.hpp"
#include "libpipe/output.hpp"
#include "libpipe/signals.hpp"
#include "libpipe/tool.hpp"

namespace libpipe {

std::uint64_t start_of_last_lines(int fd, std::uint64_t size, std::uint64_t lines) {
  if (size == 0) return 0;
  char last = 0;
  if (::pread(fd, &last, 1, static_cast<off_t>(size - 1)) != 1) return size;
  // Newlines to find, counting back from the end: the one ending the last line is one more.
  std::uint64_t want = last == '\n' ? lines + 1 : std::max<std::uint64_t>(lines, 1);
  char buf[65536];
  std::uint64_t end = size;
  while (end > 0) {
    std::uint64_t begin = end > sizeof buf ? end - sizeof buf : 0;
    std::size_t len = static_cast<std::size_t>(end - begin);
    ssize_t got = ::pread(fd, buf, len, static_cast<off_t>(begin));
    if (got != static_cast<ssize_t>(len)) return 0;
    for (std::size_t i = len; i-- > 0;) {
      if (buf[i] == '\n' && --want == 0) return begin + i + 1;
    }
    end = begin;
  }
  return 0;
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t, Clock::time_point now) {
  return std::chrono::duration<double>(now - t).count();
}

int ms_until(Clock::time_point deadline, Clock::time_point now) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
  return ms <= 0 ? 0 : static_cast<int>(std::min<long long>(ms + 1, 24 * 3600 * 1000));
}

Clock::time_point after(Clock::time_point t, double seconds) {
  return t + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// A descriptor that closes itself, unless it is borrowed (standard input is not ours).
struct Descriptor {
  int fd = -1;
  bool owned = true;

  Descriptor() = default;
  Descriptor(Descriptor&& o) noexcept : fd(std::exchange(o.fd, -1)), owned(o.owned) {}
  Descriptor& operator=(Descriptor&& o) noexcept {
    std::swap(fd, o.fd);
    std::swap(owned, o.owned);
    return *this;
  }
  ~Descriptor() {
    if (fd >= 0 && owned) ::close(fd);
  }
};

// One open file being read: the followed name's current file, or a rotated one read on.
struct OpenFile {
  Descriptor handle;
  bool regular = true;
  std::uint64_t dev = 0, ino = 0;
  std::uint64_t pos = 0;        // the next byte to read
  std::uint64_t seen_size = 0;  // the size when the name was last looked at
  std::string partial;          // bytes read after the last newline
  std::uint64_t skip_lines = 0; // -n +K: lines still to pass over
  std::uint64_t head_len = 0;   // the first head_len bytes hash to head_hash
  std::uint64_t head_hash = fnv1a({});
  bool at_eof = false;          // the last read found nothing more
  bool drained = false;         // the last read took all there was (at_eof, or a short read)
  bool ended = false;           // a stream (pipe, standard input) reached its end
  Clock::time_point last_data = Clock::now();
  int wd = -1;


  // The offset a later run resumes at: after the last whole line.
  std::uint64_t resume_offset() const { return pos - partial.size(); }

  FileRecord record() const { return {dev, ino, resume_offset(), head_len, head_hash}; }

  // Extends the hash of the first bytes over what has been read so far.
  void update_head() {
    std::uint64_t want = std::min(pos, head_hash_bytes);
    if (!regular || want <= head_len) return;
    char buf[head_hash_bytes];
    ssize_t got = ::pread(handle.fd, buf, static_cast<std::size_t>(want - head_len), static_cast<off_t>(head_len));
    if (got <= 0) return;
    head_hash = fnv1a({buf, static_cast<std::size_t>(got)}, head_hash);
    head_len += static_cast<std::uint64_t>(got);
  }
};

// Opens a file for reading without ever blocking (a FIFO with no writer would).
std::optional<OpenFile> open_file(const std::string& path, int& err) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    err = errno;
    return std::nullopt;
  }
  OpenFile f;
  f.handle.fd = fd;
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    err = errno;
    return std::nullopt;
  }
  if (S_ISDIR(st.st_mode)) {
    err = EISDIR;
    return std::nullopt;
  }
  f.regular = S_ISREG(st.st_mode);
  f.dev = st.st_dev;
  f.ino = st.st_ino;
  return f;
}

std::uint64_t file_size(int fd) {
  struct stat st;
  return ::fstat(fd, &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// One name given on the command line.
struct Followed {
  std::string name;  // as given: opened, and shown by -H
  std::string key;   // its absolute path: the state file's key
  std::string dir;
  bool is_stdin = false;
  bool dir_watched = false;
  bool finished = false;         // a stream that has ended
  bool reported = false;         // a problem with it was reported (once)
  std::optional<OpenFile> current;
  std::list<OpenFile> draining;  // rotated away, read on until quiet; oldest first
};

class Follower {
 public:
  Follower(const std::vector<std::string>& names, const FollowOptions& opt, Output& out, Diagnostics& diag)
      : opt_(opt), out_(out), diag_(diag), buf_(new char[block]) {
    for (const auto& n : names) {
      Followed f;
      f.name = n;
      f.is_stdin = n == "-";
      f.key = f.is_stdin ? n : absolute_path(n);
      f.dir = dir_of(n);
      files_.push_back(std::move(f));
    }
  }

  int run();

 private:
  static constexpr std::size_t block = std::size_t{1} << 20;

  void start(Followed& f);
  void resume(Followed& f, const std::vector<FileRecord>& records);
  bool service(Followed& f, Clock::time_point now);
  void check(Followed& f);
  void truncated(Followed& f);
  void retire(Followed& f);
  bool open_current(Followed& f, std::uint64_t pos);
  bool pump(Followed& f, OpenFile& of);
  void emit(Followed& f, OpenFile& of, const char* data, std::size_t n);
  void emit_line(Followed& f, OpenFile& of, std::string_view line);
  void finish_partial(Followed& f, OpenFile& of);
  void release(OpenFile& of);
  void watch_dirs();
  void checkpoint(bool force);
  void report(Followed& f, const Error& e);
  int wait_and_listen(Clock::time_point now);
  std::vector<Followed*> service_order();

  const FollowOptions& opt_;
  Output& out_;
  Diagnostics& diag_;
  std::unique_ptr<char[]> buf_;
  std::vector<Followed> files_;
  std::unique_ptr<ChangeWatcher> watcher_;
  FollowState state_;
  bool state_dirty_ = false;
  Clock::time_point last_checkpoint_ = Clock::now();
  Clock::time_point last_output_ = Clock::now();
  int pidfd_ = -1;
  bool pid_gone_ = false;
  bool watch_stdout_ = false;
  bool errors_ = false;
};

void Follower::report(Followed& f, const Error& e) {
  if (f.reported) return;
  f.reported = true;
  errors_ = true;
  diag_.error(e);
}

void Follower::release(OpenFile& of) {
  if (watcher_) watcher_->unwatch_file(of.wd);
  of.wd = -1;
}

bool Follower::open_current(Followed& f, std::uint64_t pos) {
  int err = 0;
  auto of = open_file(f.name, err);
  if (!of) {
    if (err != ENOENT) report(f, system_error(f.name, err));
    return false;
  }
  of->pos = pos;
  if (of->regular && pos > 0) ::lseek(of->handle.fd, static_cast<off_t>(pos), SEEK_SET);
  of->update_head();
  if (watcher_) of->wd = watcher_->watch_file(of->handle.fd);
  f.current = std::move(*of);
  f.reported = false;
  return true;
}

// Where a file there at the start begins to be read.
void Follower::start(Followed& f) {
  if (f.is_stdin) {
    OpenFile of;
    of.handle.fd = STDIN_FILENO;
    of.handle.owned = false;
    struct stat st;
    of.regular = ::fstat(of.handle.fd, &st) == 0 && S_ISREG(st.st_mode);
    if (of.regular) {
      of.dev = st.st_dev;
      of.ino = st.st_ino;
      of.pos = static_cast<std::uint64_t>(std::max<off_t>(::lseek(of.handle.fd, 0, SEEK_CUR), 0));
    }
    f.current = std::move(of);
    return;
  }
  if (!opt_.state_path.empty()) {
    const auto& records = state_.get(f.key);
    if (!records.empty()) {
      resume(f, records);
      return;
    }
    if (!opt_.start_given) {  // a file new to the state is read whole, as logtail does
      open_current(f, 0);
      return;
    }
  }
  if (!open_current(f, 0)) return;
  OpenFile& of = *f.current;
  if (!of.regular) return;  // a stream is read from where it is
  std::uint64_t size = file_size(of.handle.fd);
  std::uint64_t pos = 0;
  switch (opt_.start) {
    case FollowOptions::Start::end: pos = start_of_last_lines(of.handle.fd, size, 0); break;
    case FollowOptions::Start::last_lines: pos = start_of_last_lines(of.handle.fd, size, opt_.count); break;
    case FollowOptions::Start::from_line: of.skip_lines = opt_.count > 0 ? opt_.count - 1 : 0; break;
  }
  of.pos = pos;
  ::lseek(of.handle.fd, static_cast<off_t>(pos), SEEK_SET);
  of.update_head();
}

// Picks up where the last run left off: in the file itself, or — when it was rotated
// between the runs — in its rotated copy beside it, then the files rotated after it.
void Follower::resume(Followed& f, const std::vector<FileRecord>& records) {
  int err = 0;
  auto cur = open_file(f.name, err);
  if (!cur && err != ENOENT) report(f, system_error(f.name, err));
  std::uint64_t cur_size = cur ? file_size(cur->handle.fd) : 0;
  bool cur_matched = false;
  std::vector<std::string> siblings = rotated_siblings(f.name);
  std::optional<std::size_t> anchor;  // index in siblings of the newest rotated file found
  std::set<std::uint64_t> used;       // inodes already scheduled

  auto drain_from = [&](const std::string& path, std::uint64_t offset, const FileRecord& rec) {
    int e = 0;
    auto of = open_file(path, e);
    if (!of) return false;
    std::uint64_t size = file_size(of->handle.fd);
    bool same = of->regular && (rec.ino == of->ino ? same_file(of->handle.fd, of->ino, size, rec) : false);
    if (!same) return false;
    of->pos = offset;
    ::lseek(of->handle.fd, static_cast<off_t>(offset), SEEK_SET);
    of->update_head();
    used.insert(of->ino);
    f.draining.push_back(std::move(*of));
    return true;
  };

  for (const FileRecord& rec : records) {
    if (cur && cur->regular && same_file(cur->handle.fd, cur->ino, cur_size, rec)) {
      cur->pos = rec.offset;
      cur_matched = true;
      continue;
    }
    bool found = false;
    for (std::size_t i = 0; i < siblings.size() && !found; ++i) {
      if (drain_from(siblings[i], rec.offset, rec)) {
        found = true;
        anchor = std::max(anchor.value_or(0), i);
      }
    }
    // copytruncate between the runs: the lines after our offset are in the copy. (An empty
    // file's record has no first bytes to recognise a copy by, and nothing to recover.)
    for (std::size_t i = 0; i < siblings.size() && !found && rec.head_len > 0; ++i) {
      int e = 0;
      auto of = open_file(siblings[i], e);
      if (!of || !of->regular || used.count(of->ino)) continue;
      std::uint64_t size = file_size(of->handle.fd);
      if (!same_content(of->handle.fd, size, rec)) continue;
      of->pos = rec.offset;
      ::lseek(of->handle.fd, static_cast<off_t>(rec.offset), SEEK_SET);
      of->update_head();
      used.insert(of->ino);
      f.draining.push_back(std::move(*of));
      found = true;
      // After a copytruncate the log goes on in the truncated file itself, not in a sibling.
      if (!cur || cur->ino != rec.ino) anchor = std::max(anchor.value_or(0), i);
    }
    if (!found) {
      diag_.note(fmt::format("{}: the file read last time (inode {}) is gone; lines written to it after "
                             "offset {} may be missed",
                             f.name, rec.ino, rec.offset));
    }
  }
  if (!cur_matched && anchor) {
    // Files rotated after the one found were never read: all of them, oldest first.
    for (std::size_t i = *anchor + 1; i < siblings.size(); ++i) {
      int e = 0;
      auto of = open_file(siblings[i], e);
      if (!of || !of->regular || used.count(of->ino) || (cur && cur->ino == of->ino)) continue;
      used.insert(of->ino);
      f.draining.push_back(std::move(*of));
    }
  }
  for (auto& d : f.draining) {
    d.update_head();
    if (watcher_) d.wd = watcher_->watch_file(d.handle.fd);
  }
  if (cur) {
    if (!cur_matched) cur->pos = 0;
    ::lseek(cur->handle.fd, static_cast<off_t>(cur->pos), SEEK_SET);
    cur->update_head();
    if (watcher_) cur->wd = watcher_->watch_file(cur->handle.fd);
    f.current = std::move(*cur);
  }
}

// The name now names another file, or none: what is open is read on until quiet.
void Follower::retire(Followed& f) {
  if (!f.current) return;
  f.current->last_data = Clock::now();
  f.draining.push_back(std::move(*f.current));
  f.current.reset();
}

void Follower::truncated(Followed& f) {
  OpenFile& of = *f.current;
  diag_.note(fmt::format("{}: file truncated; reading it again from the start", f.name));
  // copytruncate copies the file, then empties it: what was written after our last read is
  // in the copy beside it. Read it from there, so nothing is lost.
  FileRecord rec{of.dev, of.ino, of.pos, of.head_len, of.head_hash};
  // Whether the held unfinished line is the file's real end, or only where our last read
  // stopped (gtail behind on a long file): then the rest of that line was cut away.
  bool read_to_end = of.drained;
  if (of.head_len > 0) {
    auto siblings = rotated_siblings(f.name);
    for (auto it = siblings.rbegin(); it != siblings.rend(); ++it) {  // the newest copy first
      const std::string& path = *it;
      int err = 0;
      auto copy = open_file(path, err);
      if (!copy || !copy->regular || copy->ino == of.ino) continue;
      std::uint64_t copy_size = file_size(copy->handle.fd);
      if (copy_size <= of.pos || !same_content(copy->handle.fd, copy_size, rec)) continue;
      std::uint64_t at = of.pos;
      while (at < copy_size) {
        ssize_t got = ::pread(copy->handle.fd, buf_.get(), static_cast<std::size_t>(std::min<std::uint64_t>(block, copy_size - at)),
                              static_cast<off_t>(at));
        if (got <= 0) break;
        emit(f, of, buf_.get(), static_cast<std::size_t>(got));
        at += static_cast<std::uint64_t>(got);
      }
      read_to_end = at == copy_size;
      break;
    }
  }
  if (read_to_end) {
    finish_partial(f, of);
  } else {
    of.partial.clear();  // half a line: never passed on as a line
  }
  of.pos = 0;
  of.head_len = 0;
  of.head_hash = fnv1a({});
  ::lseek(of.handle.fd, 0, SEEK_SET);
  state_dirty_ = true;
}

// Looks at the name: has it been rotated, truncated, created or deleted?
void Follower::check(Followed& f) {
  if (f.is_stdin || f.finished) return;
  struct stat st;
  if (::stat(f.name.c_str(), &st) != 0) {
    int err = errno;
    if (f.current && f.current->regular) retire(f);  // renamed or deleted: read on what is open
    if (err != ENOENT) report(f, system_error(f.name, err));
    return;
  }
  if (f.current) {
    OpenFile& of = *f.current;
    if (static_cast<std::uint64_t>(st.st_ino) == of.ino && static_cast<std::uint64_t>(st.st_dev) == of.dev) {
      if (!of.regular) return;
      auto size = static_cast<std::uint64_t>(st.st_size);
      if (size < of.pos) {
        truncated(f);
      } else if (size != of.seen_size && of.head_len > 0) {
        // Truncated and written past our offset before we looked: the first bytes changed.
        std::uint64_t hash = 0;
        if (hash_head(of.handle.fd, of.head_len, hash) && hash != of.head_hash) truncated(f);
      }
      of.seen_size = size;
      return;
    }
    if (!of.regular) return;  // a FIFO is read until it ends
    retire(f);                // rename rotation, or deleted and created again
  }
  if (S_ISDIR(st.st_mode)) {
    report(f, Error(f.name, "Is a directory"));
    return;
  }
  if (open_current(f, 0)) state_dirty_ = true;
}

bool Follower::pump(Followed& f, OpenFile& of) {
  if (of.ended) return false;
  if (!of.regular && !opt_.once) {
    // A stream: read only what is ready, so standard input never blocks the others.
    // (--once reads a stream to its end.)
    pollfd p{of.handle.fd, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) {
      of.at_eof = of.drained = true;
      return false;
    }
  }
  ssize_t got;
  do {
    got = ::read(of.handle.fd, buf_.get(), block);
  } while (got < 0 && errno == EINTR && !stop_requested());
  if (got < 0) {
    of.at_eof = of.drained = true;
    if (errno == EAGAIN || errno == EINTR) return false;
    report(f, system_error(f.name, errno));
    of.ended = true;
    return false;
  }
  if (got == 0) {
    of.at_eof = of.drained = true;
    if (!of.regular) {
      of.ended = true;
      f.finished = f.current && &*f.current == &of;
    }
    return false;
  }
  of.at_eof = false;
  of.drained = static_cast<std::size_t>(got) < block;
  of.pos += static_cast<std::uint64_t>(got);
  of.last_data = Clock::now();
  last_output_ = of.last_data;
  emit(f, of, buf_.get(), static_cast<std::size_t>(got));
  of.update_head();
  state_dirty_ = true;
  // More may be waiting when the buffer was filled. --once reads every file until a read
  // finds nothing, so a rotated file is seen to end (and its unfinished last line with it).
  // A follower never loops on a trickling stream: it flushes and waits between reads.
  return opt_.once || static_cast<std::size_t>(got) == block;
}

void Follower::emit_line(Followed& f, OpenFile& of, std::string_view line) {
  if (of.skip_lines > 0) {
    --of.skip_lines;
    return;
  }
  if (opt_.with_filename) {
    out_.write(f.name);
    out_.put('\t');
  }
  out_.write(line);
}

// Passes on the whole lines of what was just read; the rest waits for its newline.
void Follower::emit(Followed& f, OpenFile& of, const char* data, std::size_t n) {
  const char* p = data;
  const char* end = data + n;
  if (!of.partial.empty()) {
    auto* nl = static_cast<const char*>(std::memchr(p, '\n', n));
    if (nl == nullptr) {
      of.partial.append(p, n);
      return;
    }
    of.partial.append(p, static_cast<std::size_t>(nl + 1 - p));
    emit_line(f, of, of.partial);
    of.partial.clear();
    p = nl + 1;
  }
  auto* last = p < end ? static_cast<const char*>(::memrchr(p, '\n', static_cast<std::size_t>(end - p))) : nullptr;
  if (last == nullptr) {
    of.partial.assign(p, static_cast<std::size_t>(end - p));
    return;
  }
  if (of.skip_lines == 0 && !opt_.with_filename) {
    out_.write({p, static_cast<std::size_t>(last + 1 - p)});
  } else {
    while (p <= last) {
      auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(last + 1 - p)));
      emit_line(f, of, {p, static_cast<std::size_t>(nl + 1 - p)});
      p = nl + 1;
    }
  }
  of.partial.assign(last + 1, static_cast<std::size_t>(end - last - 1));
}

// An unfinished last line whose file is done with: passed on with a newline.
void Follower::finish_partial(Followed& f, OpenFile& of) {
  if (of.partial.empty()) return;
  of.partial += '\n';
  emit_line(f, of, of.partial);
  of.partial.clear();
}

// One turn for one name: look at it, read what is new. True when more may be waiting.
bool Follower::service(Followed& f, Clock::time_point now) {
  check(f);
  bool more = false;
  for (auto it = f.draining.begin(); it != f.draining.end();) {
    more |= pump(f, *it);
    bool quiet = it->at_eof && (opt_.once || seconds_since(it->last_data, now) >= opt_.rotation_quiet);
    if (quiet) {
      finish_partial(f, *it);
      release(*it);
      it = f.draining.erase(it);
      state_dirty_ = true;
    } else {
      ++it;
    }
  }
  if (f.current) more |= pump(f, *f.current);
  return more;
}

void Follower::watch_dirs() {
  if (!watcher_) return;
  for (auto& f : files_) {
    if (f.is_stdin || f.dir_watched) continue;
    f.dir_watched = watcher_->watch_directory(f.dir);
  }
}

void Follower::checkpoint(bool force) {
  if (opt_.state_path.empty()) return;
  auto now = Clock::now();
  if (!force && (!state_dirty_ || seconds_since(last_checkpoint_, now) < opt_.checkpoint_interval)) return;
  // Only what has really left is recorded: a run killed after this repeats nothing before it.
  out_.flush();
  for (auto& f : files_) {
    if (f.is_stdin) continue;
    std::vector<FileRecord> records;
    for (auto& d : f.draining) records.push_back(d.record());
    if (f.current && f.current->regular) records.push_back(f.current->record());
    state_.set(f.key, std::move(records));
  }
  state_.save(opt_.state_path);
  state_dirty_ = false;
  last_checkpoint_ = now;
}

// The files written to since the last wait first, in the order inotify heard them, so lines
// of several files come out in the order they arrived; then the others.
std::vector<Followed*> Follower::service_order() {
  std::vector<Followed*> order;
  auto has_wd = [](const Followed& f, int wd) {
    if (f.current && f.current->wd == wd) return true;
    return std::any_of(f.draining.begin(), f.draining.end(), [&](const OpenFile& d) { return d.wd == wd; });
  };
  if (watcher_) {
    for (int wd : watcher_->changed()) {
      for (auto& f : files_) {
        if (has_wd(f, wd) && std::find(order.begin(), order.end(), &f) == order.end()) order.push_back(&f);
      }
    }
  }
  for (auto& f : files_) {
    if (std::find(order.begin(), order.end(), &f) == order.end()) order.push_back(&f);
  }
  return order;
}

// Waits for a change; returns without waiting when a deadline is already due.
int Follower::wait_and_listen(Clock::time_point now) {
  std::optional<Clock::time_point> deadline;
  auto sooner = [&](Clock::time_point t) {
    if (!deadline || t < *deadline) deadline = t;
  };
  for (auto& f : files_) {
    for (auto& d : f.draining) sooner(after(d.last_data, opt_.rotation_quiet));
    if (!f.is_stdin && !f.dir_watched) sooner(after(now, 1.0));  // its directory may appear
  }
  if (!opt_.state_path.empty() && state_dirty_) sooner(after(last_checkpoint_, opt_.checkpoint_interval));
  if (opt_.idle_timeout > 0) sooner(after(last_output_, opt_.idle_timeout));
  if (opt_.pid > 0 && pidfd_ < 0) sooner(after(now, 1.0));  // no pidfd: look every second

  std::vector<pollfd> extra;
  if (pidfd_ >= 0) extra.push_back({pidfd_, POLLIN, 0});
  if (watch_stdout_) extra.push_back({out_.fd(), 0, 0});  // POLLERR: the reader has gone
  for (auto& f : files_) {
    if (f.current && !f.current->regular && !f.current->ended) extra.push_back({f.current->handle.fd, POLLIN, 0});
  }
  watcher_->wait(extra, deadline ? ms_until(*deadline, now) : -1);
  std::size_t i = 0;
  if (pidfd_ >= 0 && extra[i++].revents != 0) pid_gone_ = true;
  if (watch_stdout_ && (extra[i++].revents & (POLLERR | POLLHUP)) != 0) throw DownstreamClosed{};
  if (opt_.pid > 0 && pidfd_ < 0 && ::kill(opt_.pid, 0) != 0 && errno == ESRCH) pid_gone_ = true;
  return 0;
}

int Follower::run() {
  std::optional<StateLock> lock;
  if (!opt_.state_path.empty()) {
    lock.emplace(opt_.state_path);
    state_.load(opt_.state_path);
  }
  if (!opt_.once) {
    watcher_ = std::make_unique<ChangeWatcher>(opt_.poll_interval, opt_.fallback_interval);
    watch_dirs();
    struct stat st;
    watch_stdout_ = ::fstat(out_.fd(), &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
    if (opt_.pid > 0) {
#ifdef SYS_pidfd_open
      pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, opt_.pid, 0));
#endif
      if (pidfd_ < 0 && errno == ESRCH) pid_gone_ = true;
    }
  }
  for (auto& f : files_) {
    start(f);
    if (!f.current && f.draining.empty() && !f.reported) {
      if (opt_.once) {
        report(f, system_error(f.name, ENOENT));
      } else {
        diag_.note(fmt::format("{}: No such file or directory; waiting for it to appear", f.name));
      }
    }
  }
  if (watcher_) {
    watch_dirs();
    if (!watcher_->fallback_reason().empty()) {
      diag_.note(fmt::format("{}; checking for changes every {} s", watcher_->fallback_reason(), watcher_->interval()));
    }
  }

  for (;;) {
    bool more;
    do {
      more = false;
      auto now = Clock::now();
      for (Followed* f : service_order()) {
        if (stop_requested()) break;
        more |= service(*f, now);
      }
      checkpoint(false);
    } while (more && !stop_requested());
    if (stop_requested() || opt_.once || pid_gone_) break;
    bool streams_only = std::all_of(files_.begin(), files_.end(), [](const Followed& f) { return f.is_stdin; });
    if (streams_only && std::all_of(files_.begin(), files_.end(), [](const Followed& f) { return f.finished; })) break;
    auto now = Clock::now();
    if (opt_.idle_timeout > 0 && seconds_since(last_output_, now) >= opt_.idle_timeout) break;
    out_.flush();  // before waiting: what was read is out within milliseconds
    watch_dirs();
    wait_and_listen(now);
  }

  // The end: the unfinished last line of a file read to its end goes out with a newline;
  // with a state file it is left for the next run, which will read it whole. A stop signal
  // may cut reading short with the rest of that line still unread: such a fragment is not
  // a line and is dropped, so the output never ends on half a line.
  bool keep_partial = !opt_.state_path.empty();
  for (auto& f : files_) {
    if (keep_partial) continue;
    for (auto& d : f.draining) {
      if (d.drained) finish_partial(f, d);
    }
    if (f.current && f.current->drained) finish_partial(f, *f.current);
  }
  out_.flush();
  checkpoint(true);
  if (pidfd_ >= 0) ::close(pidfd_);
  return errors_ ? 1 : 0;
}

}  // namespace

int follow_files(const std::vector<std::string>& files, const FollowOptions& options, Output& out,
                 Diagnostics& diag) {
  Follower follower(files, options, out, diag);
  return follower.run();
}

}  // namespace libpipe
