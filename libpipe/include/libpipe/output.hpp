#pragma once
// Buffered output in large blocks. Writes collect in a 1 MiB buffer and leave in one
// write(2) each, for full pipe throughput; FdSource flushes it before it waits for input
// (byte_source.hpp), so lines behind `gtail` still show at once. On a terminal each line
// is flushed as it is finished, as people expect.
//
//   libpipe::Output out(STDOUT_FILENO);
//   out.write(line); out.put('\n');
//   out.flush();        // at the end: a failed final flush is a real error (exit 2)
//
// A closed downstream pipe throws DownstreamClosed (the tool ends quietly, status 0);
// any other write error throws OutputError("standard output", reason) (error.hpp).

#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace libpipe {

class Output {
 public:
  static constexpr std::size_t default_block = std::size_t{1} << 20;

  explicit Output(int fd, std::string name = "standard output", std::size_t block = default_block);
  // Flushes what is left, ignoring errors: call flush() to see them.
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  void write(std::string_view s) {
    if (s.size() <= cap_ - len_) {
      std::memcpy(buf_.get() + len_, s.data(), s.size());
      len_ += s.size();
      if (line_buffered_) flush_if_line_done();
    } else {
      write_slow(s);
    }
  }
  void put(char c) {
    if (len_ == cap_) flush();
    buf_[len_++] = c;
    if (line_buffered_ && c == '\n') flush();
  }
  // A line and its newline.
  void write_line(std::string_view s) {
    write(s);
    put('\n');
  }
  // For a writer that knows at most how much it puts down: n bytes of room at the end of
  // the buffer (flushed first when less is free, grown for a larger n) to write into
  // directly, without a copy; commit() takes what was written, up to `end`.
  //   out.commit(write_record(out.room(max_size)));
  char* room(std::size_t n) {
    if (cap_ - len_ < n) make_room(n);
    return buf_.get() + len_;
  }
  void commit(const char* end) {
    len_ = static_cast<std::size_t>(end - buf_.get());
    if (line_buffered_) flush_if_line_done();
  }

  // Writes out everything buffered. Throws DownstreamClosed or Error.
  void flush();

  // Forces line buffering on or off (default: on when the descriptor is a terminal).
  void set_line_buffered(bool on) noexcept { line_buffered_ = on; }
  bool line_buffered() const noexcept { return line_buffered_; }
  std::size_t buffered() const noexcept { return len_; }
  int fd() const noexcept { return fd_; }
  const std::string& name() const noexcept { return name_; }
  // True once a write failed. An Error caught while reading input may come from a flush
  // made before a wait (byte_source.hpp): this tells a broken output from a bad input.
  bool failed() const noexcept { return failed_; }

 private:
  void write_slow(std::string_view s);
  void make_room(std::size_t n);
  void write_all(const char* p, std::size_t n);
  void flush_if_line_done();

  int fd_;
  std::string name_;
  std::unique_ptr<char[]> buf_;
  std::size_t cap_;
  std::size_t len_ = 0;
  bool line_buffered_ = false;
  bool failed_ = false;  // after a failure, the destructor does not try again
};

}  // namespace libpipe
