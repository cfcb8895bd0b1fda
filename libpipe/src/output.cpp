#include "libpipe/output.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "libpipe/error.hpp"
#include "libpipe/pipe_size.hpp"

namespace libpipe {

Output::Output(int fd, std::string name, std::size_t block)
    : fd_(fd), name_(std::move(name)), buf_(new char[block]), cap_(block) {
  enlarge_pipe(fd_);
  line_buffered_ = ::isatty(fd_) == 1;
}

Output::~Output() {
  if (failed_ || len_ == 0) return;
  try {
    flush();
  } catch (...) {
    // Reported by whoever called flush() last; a destructor cannot.
  }
}

void Output::flush() {
  if (len_ == 0) return;
  std::size_t n = len_;
  len_ = 0;
  write_all(buf_.get(), n);
}

void Output::write_slow(std::string_view s) {
  flush();
  if (s.size() >= cap_) {
    write_all(s.data(), s.size());
  } else {
    std::memcpy(buf_.get(), s.data(), s.size());
    len_ = s.size();
    if (line_buffered_) flush_if_line_done();
  }
}

void Output::make_room(std::size_t n) {
  flush();
  if (n > cap_) {
    buf_.reset(new char[n]);
    cap_ = n;
  }
}

void Output::flush_if_line_done() {
  if (len_ > 0 && buf_[len_ - 1] == '\n') flush();
}

void Output::write_all(const char* p, std::size_t n) {
  while (n > 0) {
    ssize_t put = ::write(fd_, p, n);
    if (put >= 0) {
      p += put;
      n -= static_cast<std::size_t>(put);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {  // a non-blocking descriptor inherited from the shell
      pollfd pfd{fd_, POLLOUT, 0};
      ::poll(&pfd, 1, -1);
      continue;
    }
    failed_ = true;
    if (errno == EPIPE) throw DownstreamClosed{};
    throw OutputError(name_, std::strerror(errno));
  }
}

}  // namespace libpipe
