#include "libpipe/change_watcher.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "libpipe/signals.hpp"

namespace libpipe {

namespace {

// Filesystems whose files change on other machines, where inotify hears only local writes
// (the list GNU tail keeps in fs-is-local).
bool is_remote_filesystem(long type) {
  switch (static_cast<unsigned long>(type)) {
    case 0x6969:      // NFS
    case 0x517B:      // SMB
    case 0xFF534D42:  // CIFS
    case 0xFE534D42:  // SMB2
    case 0x65735546:  // FUSE
    case 0x01021997:  // 9P (v9fs)
    case 0x00C36400:  // Ceph
    case 0x5346414F:  // AFS
    case 0x6B414653:  // kAFS
    case 0x47504653:  // GPFS
    case 0x0BD00BD0:  // Lustre
    case 0x013111A8:  // IBRIX
    case 0x73757245:  // Coda
    case 0x564C:      // NCP
    case 0x19830326:  // fhgfs / BeeGFS
    case 0x7461636F:  // OCFS2
    case 0x01161970:  // GFS2
      return true;
    default:
      return false;
  }
}

constexpr std::uint32_t dir_events = IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB | IN_ONLYDIR;
constexpr std::uint32_t file_events = IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF;

}  // namespace

ChangeWatcher::ChangeWatcher(double poll_interval, double fallback_interval)
    : interval_(poll_interval > 0 ? poll_interval : fallback_interval) {
  if (poll_interval > 0) return;
  ifd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (ifd_ < 0) {
    fallback_reason_ = fmt::format("inotify is unavailable ({})", std::strerror(errno));
  }
}

ChangeWatcher::~ChangeWatcher() {
  if (ifd_ >= 0) ::close(ifd_);
}

void ChangeWatcher::fall_back(std::string reason) {
  if (ifd_ >= 0) ::close(ifd_);
  ifd_ = -1;
  file_watch_refs_.clear();
  if (fallback_reason_.empty()) fallback_reason_ = std::move(reason);
}

bool ChangeWatcher::watch_directory(const std::string& dir) {
  if (polling()) return ::access(dir.c_str(), F_OK) == 0;
  struct statfs fs;
  if (::statfs(dir.c_str(), &fs) == 0 && is_remote_filesystem(fs.f_type)) {
    fall_back(fmt::format("{} is on a network filesystem", dir));
    return true;
  }
  if (::inotify_add_watch(ifd_, dir.c_str(), dir_events) >= 0) return true;
  if (errno == ENOSPC || errno == ENOMEM) {
    fall_back(fmt::format("cannot watch {}: {}", dir, std::strerror(errno)));
    return true;
  }
  return false;
}

int ChangeWatcher::watch_file(int fd) {
  if (polling()) return -1;
  // The descriptor's link in /proc names the inode itself, wherever it has been moved.
  std::string link = fmt::format("/proc/self/fd/{}", fd);
  int wd = ::inotify_add_watch(ifd_, link.c_str(), file_events);
  if (wd < 0) {
    if (errno == ENOSPC || errno == ENOMEM) {
      fall_back(fmt::format("cannot watch more files: {}", std::strerror(errno)));
    } else if (errno == ENOENT) {
      fall_back("/proc is not mounted");
    }
    return -1;
  }
  ++file_watch_refs_[wd];
  return wd;
}

void ChangeWatcher::unwatch_file(int wd) {
  if (wd < 0 || polling()) return;
  auto it = file_watch_refs_.find(wd);
  if (it == file_watch_refs_.end()) return;  // the kernel dropped it (file deleted)
  if (--it->second == 0) {
    file_watch_refs_.erase(it);
    ::inotify_rm_watch(ifd_, wd);
  }
}

bool ChangeWatcher::read_events() {
  alignas(inotify_event) char buf[16384];
  bool any = false;
  for (;;) {
    ssize_t n = ::read(ifd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    any = true;
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<inotify_event*>(p);
      // The kernel removed the watch (its file is gone): forget it.
      if (ev->mask & IN_IGNORED) file_watch_refs_.erase(ev->wd);
      if (file_watch_refs_.count(ev->wd) && std::find(changed_.begin(), changed_.end(), ev->wd) == changed_.end()) {
        changed_.push_back(ev->wd);
      }
      p += sizeof(inotify_event) + ev->len;
    }
  }
  return any;
}

bool ChangeWatcher::wait(std::span<pollfd> extra, int timeout_ms) {
  if (polling()) {
    int every = static_cast<int>(std::lround(interval_ * 1000));
    if (timeout_ms < 0 || timeout_ms > every) timeout_ms = every;
  }
  changed_.clear();
  std::vector<pollfd> fds(extra.begin(), extra.end());
  if (!polling()) fds.push_back({ifd_, POLLIN, 0});

  // Block the stop signals while looking at the flag; ppoll unblocks them atomically, so a
  // signal arriving just before the wait still interrupts it.
  sigset_t stops, old;
  sigemptyset(&stops);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGUSR1}) sigaddset(&stops, sig);
  pthread_sigmask(SIG_BLOCK, &stops, &old);
  int ready = 0;
  if (!stop_requested()) {
    timespec ts{};
    if (timeout_ms >= 0) {
      ts.tv_sec = timeout_ms / 1000;
      ts.tv_nsec = static_cast<long>(timeout_ms % 1000) * 1000000L;
    }
    ready = ::ppoll(fds.data(), fds.size(), timeout_ms >= 0 ? &ts : nullptr, &old);
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (ready <= 0) return false;

  bool woke = false;
  for (std::size_t i = 0; i < extra.size(); ++i) {
    extra[i].revents = fds[i].revents;
    if (fds[i].revents != 0) woke = true;
  }
  if (!polling() && fds.back().revents != 0) woke |= read_events();
  return woke;
}

}  // namespace libpipe
