#include "libpipe/byte_source.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "libpipe/error.hpp"
#include "libpipe/output.hpp"
#include "libpipe/pipe_size.hpp"
#include "libpipe/signals.hpp"

namespace libpipe {

FdSource::FdSource(int fd, std::string name, bool owns_fd, Output* flush_before_wait)
    : fd_(fd), name_(std::move(name)), owns_fd_(owns_fd), flush_before_wait_(flush_before_wait) {
  struct stat st;
  if (fstat(fd_, &st) == 0) {
    regular_ = S_ISREG(st.st_mode);
    if (S_ISFIFO(st.st_mode)) enlarge_pipe(fd_);
  }
  if (regular_) posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
}

FdSource::~FdSource() {
  if (owns_fd_) ::close(fd_);
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
