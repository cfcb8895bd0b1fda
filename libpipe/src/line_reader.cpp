#include "libpipe/line_reader.hpp"

#include <algorithm>
#include <cstring>

#include "libpipe/signals.hpp"

namespace libpipe {

LineReader::LineReader(ByteSource& source, std::size_t block, Lend lend)
    : source_(source), buf_(new char[block + padding]), cap_(block) {
  std::memset(buf_.get() + cap_, 0, padding);
  if (lend == Lend::in_place) {
    lent_ = source_.lend();
    lending_ = !lent_.empty();
  }
}

void LineReader::release_lent() {
  constexpr std::size_t every = std::size_t{16} << 20;
  if (lent_pos_ - lent_released_ >= every) {
    source_.release_lent(lent_pos_);  // what was handed out is done with: views last one call
    lent_released_ = lent_pos_;
  }
}

bool LineReader::lend_lines(std::string_view& lines) {
  release_lent();
  const std::size_t safe = lent_safe_end();
  if (lent_pos_ >= safe) return false;
  const char* base = lent_.data();
  // About a block at a time, so a stop signal is seen as often as with reads.
  const std::size_t limit = std::min(safe, lent_pos_ + cap_);
  auto* nl = static_cast<const char*>(::memrchr(base + lent_pos_, '\n', limit - lent_pos_));
  if (nl == nullptr && limit < safe) {  // a line longer than a block
    nl = static_cast<const char*>(std::memchr(base + limit, '\n', safe - limit));
  }
  if (nl == nullptr) return false;
  const auto stop = static_cast<std::size_t>(nl - base) + 1;
  lines = lent_.substr(lent_pos_, stop - lent_pos_);
  lent_pos_ = stop;
  return true;
}

void LineReader::end_lending() {
  lending_ = false;
  if (stop_requested()) {  // what is left is not read, as a read() would not have been
    eof_ = true;
    return;
  }
  // The rest is the last line or two (or one longer than what is left but the padding).
  const std::size_t rest = lent_.size() - lent_pos_;
  if (rest > cap_) {
    std::size_t cap = cap_;
    while (cap < rest) cap *= 2;
    buf_.reset(new char[cap + padding]);
    std::memset(buf_.get() + cap, 0, padding);
    cap_ = cap;
  }
  std::memcpy(buf_.get(), lent_.data() + lent_pos_, rest);
  lent_pos_ = lent_.size();
  begin_ = scanned_ = 0;
  end_ = rest;
  source_.check_lent();
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
  if (lending_) {
    source_.check_lent();
    release_lent();
    const std::size_t safe = lent_safe_end();
    if (lent_pos_ < safe && !stop_requested()) {
      const char* base = lent_.data();
      if (auto* nl = static_cast<const char*>(std::memchr(base + lent_pos_, '\n', safe - lent_pos_))) {
        const auto at = static_cast<std::size_t>(nl - base);
        line = lent_.substr(lent_pos_, at - lent_pos_);
        lent_pos_ = at + 1;
        ++line_number_;
        return true;
      }
    }
    end_lending();
  }
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
  if (lending_) {
    source_.check_lent();
    if (!stop_requested() && lend_lines(lines)) return true;
    end_lending();
  }
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
