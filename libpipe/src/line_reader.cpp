#include "libpipe/line_reader.hpp"

#include <cstring>

#include "libpipe/signals.hpp"

namespace libpipe {

LineReader::LineReader(ByteSource& source, std::size_t block)
    : source_(source), buf_(new char[block + padding]), cap_(block) {
  std::memset(buf_.get() + cap_, 0, padding);
}

bool LineReader::refill() {
  if (eof_) return false;
  if (begin_ > 0) {  // move the unfinished line to the front
    std::size_t keep = end_ - begin_;
    std::memmove(buf_.get(), buf_.get() + begin_, keep);
    scanned_ -= begin_;
    end_ = keep;
    begin_ = 0;
  }
  if (end_ == cap_) {  // one line fills the buffer: grow it
    std::size_t cap = cap_ * 2;
    std::unique_ptr<char[]> bigger(new char[cap + padding]);
    std::memcpy(bigger.get(), buf_.get(), end_);
    std::memset(bigger.get() + cap, 0, padding);
    buf_ = std::move(bigger);
    cap_ = cap;
  }
  std::size_t got = source_.read(buf_.get() + end_, cap_ - end_);
  if (got == 0) {
    eof_ = true;
    return false;
  }
  end_ += got;
  return true;
}

bool LineReader::next(std::string_view& line) {
  for (;;) {
    char* base = buf_.get();
    if (auto* nl = static_cast<char*>(std::memchr(base + scanned_, '\n', end_ - scanned_))) {
      std::size_t at = static_cast<std::size_t>(nl - base);
      line = std::string_view(base + begin_, at - begin_);
      begin_ = scanned_ = at + 1;
      ++line_number_;
      return true;
    }
    scanned_ = end_;
    if (!refill()) {
      // Input stopped by a signal mid-line: that is not a line, and is not handed out.
      if (begin_ == end_ || stop_requested()) return false;
      line = std::string_view(buf_.get() + begin_, end_ - begin_);
      buf_[end_] = '\n';  // keeps the padding promise readable and consistent
      supplied_newline_ = true;
      begin_ = scanned_ = end_;
      ++line_number_;
      return true;
    }
  }
}

bool LineReader::next_lines(std::string_view& lines) {
  for (;;) {
    char* base = buf_.get();
    if (end_ > scanned_) {
      // The last newline in the buffer ends the run.
      if (auto* nl = static_cast<char*>(::memrchr(base + scanned_, '\n', end_ - scanned_))) {
        std::size_t stop = static_cast<std::size_t>(nl - base) + 1;
        lines = std::string_view(base + begin_, stop - begin_);
        begin_ = scanned_ = stop;
        return true;
      }
    }
    scanned_ = end_;
    if (!refill()) {
      if (begin_ == end_ || stop_requested()) return false;
      // The padding guarantees room for the newline the input did not have.
      buf_[end_] = '\n';
      lines = std::string_view(buf_.get() + begin_, end_ + 1 - begin_);
      supplied_newline_ = true;
      begin_ = scanned_ = end_;
      return true;
    }
  }
}

}  // namespace libpipe
