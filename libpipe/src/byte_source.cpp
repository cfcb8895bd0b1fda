#include "libpipe/byte_source.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>

#include "libpipe/error.hpp"
#include "libpipe/output.hpp"
#include "libpipe/pipe_size.hpp"
#include "libpipe/signals.hpp"

namespace libpipe {

namespace {

// A mapped file that shrinks (log rotation by copytruncate, an editor saving in place) makes
// each access past its new end raise SIGBUS, which would kill the tool. The guard's handler
// maps zero pages over the rest of such a mapping and marks it, so the access completes; the
// reader then reports the file as damaged (check_lent). A SIGBUS anywhere else goes to the
// handler that was there before, or kills as it would have.
struct GuardSlot {
  std::atomic<std::uintptr_t> begin{0}, end{0};
  std::atomic<bool> lost{false};
};
constexpr int guard_slots = 32;
GuardSlot guard[guard_slots];
struct sigaction previous_sigbus;
std::atomic<bool> guard_installed{false};

void on_sigbus(int sig, siginfo_t* info, void* context) {
  auto addr = reinterpret_cast<std::uintptr_t>(info->si_addr);
  for (auto& slot : guard) {
    std::uintptr_t b = slot.begin.load(), e = slot.end.load();
    if (b != 0 && addr >= b && addr < e) {
      std::uintptr_t page = addr & ~static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE) - 1);
      ::mmap(reinterpret_cast<void*>(page), e - page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
      slot.lost.store(true);
      return;
    }
  }
  // Not ours: put the earlier disposition back; the access faults again and meets it.
  if (previous_sigbus.sa_flags & SA_SIGINFO) {
    previous_sigbus.sa_sigaction(sig, info, context);
    return;
  }
  sigaction(SIGBUS, &previous_sigbus, nullptr);
}

int guard_mapping(void* p, std::size_t n) {
  if (!guard_installed.exchange(true)) {
    struct sigaction sa {};
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, &previous_sigbus);
  }
  for (int i = 0; i < guard_slots; ++i) {
    std::uintptr_t expected = 0;
    if (guard[i].begin.compare_exchange_strong(expected, reinterpret_cast<std::uintptr_t>(p))) {
      guard[i].lost.store(false);
      guard[i].end.store(reinterpret_cast<std::uintptr_t>(p) + n);
      return i;
    }
  }
  return -1;
}

void unguard_mapping(int slot) {
  guard[slot].end.store(0);
  guard[slot].begin.store(0);
}

}  // namespace

FdSource::FdSource(int fd, std::string name, bool owns_fd, Output* flush_before_wait)
    : fd_(fd), name_(std::move(name)), owns_fd_(owns_fd), flush_before_wait_(flush_before_wait) {
  struct stat st;
  if (fstat(fd_, &st) == 0) {
    regular_ = S_ISREG(st.st_mode);
    if (regular_) size_at_open_ = static_cast<std::uint64_t>(st.st_size);
    if (S_ISFIFO(st.st_mode)) enlarge_pipe(fd_);
  }
  if (regular_) posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
}

FdSource::~FdSource() {
  if (map_ != nullptr) {
    if (guard_slot_ >= 0) unguard_mapping(guard_slot_);
    ::munmap(map_, map_len_);
  }
  if (owns_fd_) ::close(fd_);
}

std::string_view FdSource::lend() {
  if (!regular_ || map_ != nullptr) return {};
  struct stat st;
  off_t pos = ::lseek(fd_, 0, SEEK_CUR);
  if (pos < 0 || ::fstat(fd_, &st) != 0 || st.st_size - pos < static_cast<off_t>(min_lend)) return {};
  const auto page = static_cast<off_t>(sysconf(_SC_PAGESIZE));
  const off_t start = pos - pos % page;
  const auto len = static_cast<std::size_t>(st.st_size - start);
  void* p = ::mmap(nullptr, len, PROT_READ, MAP_PRIVATE, fd_, start);
  if (p == MAP_FAILED) return {};  // a file system that cannot map: read() as usual
  int slot = guard_mapping(p, len);
  if (slot < 0) {  // more mappings alive than the guard has room for
    ::munmap(p, len);
    return {};
  }
  if (::lseek(fd_, st.st_size, SEEK_SET) < 0) {
    unguard_mapping(slot);
    ::munmap(p, len);
    return {};
  }
  ::madvise(p, len, MADV_SEQUENTIAL);
  map_ = p;
  map_len_ = len;
  lent_from_ = static_cast<std::size_t>(pos - start);
  guard_slot_ = slot;
  return {static_cast<const char*>(p) + (pos - start), static_cast<std::size_t>(st.st_size - pos)};
}

void FdSource::release_lent(std::size_t n) {
  if (map_ == nullptr) return;
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t upto = std::min(lent_from_ + n, map_len_) / page * page;
  if (upto > released_) {
    ::madvise(static_cast<char*>(map_) + released_, upto - released_, MADV_DONTNEED);
    released_ = upto;
  }
}

void FdSource::check_lent() const {
  if (guard_slot_ >= 0 && guard[guard_slot_].lost.load(std::memory_order_relaxed)) {
    throw Error(name_, "file shrank while being read");
  }
}

std::size_t FdSource::read(char* buf, std::size_t n) {
  if (!regular_ && (flush_before_wait_ != nullptr || wait_hook_)) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 0) == 0) {
      if (flush_before_wait_ != nullptr) flush_before_wait_->flush();
      // Wait in slices the hook chooses; a signal (poll fails with EINTR) or input ends it.
      while (wait_hook_ && !stop_requested()) {
        int timeout = wait_hook_();
        if (timeout < 0 || ::poll(&p, 1, timeout) != 0) break;
      }
    }
  }
  for (;;) {
    if (stop_requested()) return 0;
    ssize_t got = ::read(fd_, buf, n);
    if (got == 0 && size_at_open_ > 0) check_not_truncated();
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {  // a non-blocking descriptor inherited from the shell
      pollfd p{fd_, POLLIN, 0};
      ::poll(&p, 1, -1);
      continue;
    }
    throw system_error(name_, errno);
  }
}

// At the end of a regular file: when the file is now shorter than the offset we read to, it
// was truncated under us (a copytruncate rotation, `: > log`) and the end we saw is not its.
void FdSource::check_not_truncated() const {
  struct stat st;
  off_t at = ::lseek(fd_, 0, SEEK_CUR);
  if (at > 0 && ::fstat(fd_, &st) == 0 && st.st_size < at) {
    throw Error(name_, "file truncated while being read");
  }
}

std::unique_ptr<FdSource> open_input(const std::string& path, Output* flush_before_wait) {
  if (path == "-") return std::make_unique<FdSource>(0, "standard input", false, flush_before_wait);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw system_error(path, errno);
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw Error(path, "Is a directory");
  }
  return std::make_unique<FdSource>(fd, path, true, flush_before_wait);
}

std::size_t MemorySource::read(char* buf, std::size_t n) {
  std::size_t take = std::min(n, data_.size() - pos_);
  if (max_read_ != 0) take = std::min(take, max_read_);
  std::memcpy(buf, data_.data() + pos_, take);
  pos_ += take;
  return take;
}

}  // namespace libpipe
