#pragma once
// Where bytes come from. A ByteSource hands out bytes in large blocks; LineReader
// (line_reader.hpp) cuts them into lines, and decoders (gzip, bzip2, …) are ByteSources
// over other ByteSources.
//
//   auto in = libpipe::open_input("access-log", &out);   // "-" is standard input
//   char buf[1 << 20];
//   while (std::size_t n = in->read(buf, sizeof buf)) …

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace libpipe {

class Output;

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to n bytes into buf; returns how many, 0 at the end of input.
  // Throws Error (naming the source) when the input cannot be read.
  virtual std::size_t read(char* buf, std::size_t n) = 0;
  // The name used in diagnostics: a path, or "standard input".
  virtual const std::string& name() const = 0;

  // Lends the rest of the input in place, without a copy, when the source can: a regular
  // file mapped into memory. The view stays valid as long as the source, and read() goes
  // on after it (with what was appended to the file since). Empty when the source cannot
  // lend, or has lent already.
  virtual std::string_view lend() { return {}; }
  // Throws Error when lent bytes were lost since they were lent: the file shrank under the
  // mapping, and the bytes past its new end read as zeros instead of killing the process.
  virtual void check_lent() const {}
  // The reader is done with the first n lent bytes: their pages may leave the process's
  // memory (they stay in the page cache), so reading a large file in place never shows as a
  // large resident size.
  virtual void release_lent(std::size_t /*n*/) {}
};

// Reads a file descriptor. A pipe is enlarged (pipe_size.hpp). When the next read would
// block, the given Output is flushed first, so a slow producer upstream never holds back
// what this stage has already produced. A stop signal (signals.hpp) ends the input.
// A regular file that shrinks below what was read of it (truncated while being read) ends
// with Error(name, "file truncated while being read") instead of a quiet end: its last
// line was cut, and the reader must not pass it on as whole.
class FdSource : public ByteSource {
 public:
  FdSource(int fd, std::string name, bool owns_fd, Output* flush_before_wait = nullptr);
  ~FdSource() override;
  FdSource(const FdSource&) = delete;
  FdSource& operator=(const FdSource&) = delete;

  std::size_t read(char* buf, std::size_t n) override;
  const std::string& name() const override { return name_; }
  // Maps a regular file from the current offset to its present end (files under
  // min_lend bytes are read as usual: a mapping costs more than it saves there).
  std::string_view lend() override;
  void check_lent() const override;
  void release_lent(std::size_t n) override;
  static constexpr std::size_t min_lend = std::size_t{1} << 20;
  int fd() const noexcept { return fd_; }
  // A regular file reads without ever blocking (and can be mapped or seeked).
  bool is_regular_file() const noexcept { return regular_; }

  // Flush this output before blocking on input (nullptr: none).
  void flush_before_wait(Output* out) noexcept { flush_before_wait_ = out; }

  // Called (after the flush) when the next read would block: a stage that must act on a
  // clock while its input is quiet (gquery --interval) does it here. The hook returns how
  // many milliseconds to wait for input before it is called again; -1 waits for input.
  using WaitHook = std::function<int()>;
  void wait_hook(WaitHook hook) { wait_hook_ = std::move(hook); }

 private:
  void check_not_truncated() const;

  int fd_;
  std::string name_;
  bool owns_fd_;
  bool regular_ = false;
  // Its size when opened: /proc files say 0 and cannot be checked for truncation.
  std::uint64_t size_at_open_ = 0;
  Output* flush_before_wait_;
  void* map_ = nullptr;  // what lend() mapped: map_len_ bytes, page-aligned
  std::size_t map_len_ = 0;
  std::size_t lent_from_ = 0;  // where the lent view starts in the mapping
  std::size_t released_ = 0;   // [0, released_) of the mapping was given back
  int guard_slot_ = -1;  // its slot in the SIGBUS guard
  WaitHook wait_hook_;
};

// Opens a path for reading; "-" means standard input (named "standard input" in messages).
// Throws Error("path", reason) when it cannot be opened, or when it is a directory.
std::unique_ptr<FdSource> open_input(const std::string& path, Output* flush_before_wait = nullptr);

// A source over bytes in memory (tests, and data already decoded).
class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string data, std::string name = "memory", std::size_t max_read = 0)
      : data_(std::move(data)), name_(std::move(name)), max_read_(max_read) {}
  std::size_t read(char* buf, std::size_t n) override;
  const std::string& name() const override { return name_; }

 private:
  std::string data_;
  std::string name_;
  std::size_t pos_ = 0;
  std::size_t max_read_;  // 0: no limit; else hands out at most this much per read (tests)
};

}  // namespace libpipe
