#pragma once
// Cuts a ByteSource into lines without a copy or an allocation per line: lines are views
// into one large buffer, valid until the next call. Bytes pass through untouched (a CR
// before the newline stays part of the line); a last line without a newline is still a
// line; a line longer than the buffer makes the buffer grow, so lines of tens of MB work.
// When a stop signal ends the input (signals.hpp), an unfinished last line is dropped, so a
// stopped tool never passes on half a line.
//
//   libpipe::LineReader lines(*source);
//   std::string_view line;
//   while (lines.next(line)) …                 // one line, without its '\n'
//   while (lines.next_lines(block)) …          // many whole lines, each ending in '\n'
//
// Every view is followed by at least `padding` readable bytes of the buffer, which lets
// simdjson parse a line in place (json_reader.hpp).
//
// With Lend::in_place, a regular file is not copied into the buffer at all: it is mapped
// (ByteSource::lend), and the views point into the mapping. Only its last bytes (whose
// padding would lie past the mapping) and whatever was appended after the mapping was made
// go through the buffer. The lines are the same either way.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "libpipe/byte_source.hpp"
#include "libpipe/error.hpp"

namespace libpipe {

class LineReader {
 public:
  static constexpr std::size_t default_block = std::size_t{1} << 20;
  static constexpr std::size_t padding = 64;

  // copy: every byte is read into the buffer. in_place: the source may lend its bytes
  // instead (a mapped file): no copy, for tools that only look at the lines.
  enum class Lend { copy, in_place };

  explicit LineReader(ByteSource& source, std::size_t block = default_block, Lend lend = Lend::copy);

  // The next line, without its '\n'. False at the end of input.
  bool next(std::string_view& line);

  // The next run of whole lines, each ending in '\n' (a missing final newline is
  // supplied). Good for tools that search the buffer rather than each line.
  bool next_lines(std::string_view& lines);

  // How many lines next() has handed out (the number of the last one).
  std::uint64_t line_number() const noexcept { return line_number_; }

  // False when the last line of the input had no '\n' of its own (known at the end).
  bool ended_with_newline() const noexcept { return !supplied_newline_; }

  ByteSource& source() noexcept { return source_; }

 private:
  // Reads more input, keeping [begin_, end_); grows the buffer when it is full.
  // False at the end of input.
  bool refill();
  // The next run of lines of the lent bytes; false when the rest must go through the buffer.
  bool lend_lines(std::string_view& lines);
  // Where lent lines must end for their padding to lie inside the lent bytes.
  std::size_t lent_safe_end() const noexcept { return lent_.size() > padding ? lent_.size() - padding : 0; }
  // Gives back the lent bytes handed out before the last call, every few MB.
  void release_lent();
  // Stops lending: the lent bytes not handed out yet go into the buffer.
  void end_lending();

  ByteSource& source_;
  std::unique_ptr<char[]> buf_;
  std::size_t cap_;          // usable bytes; the allocation has `padding` more
  std::size_t begin_ = 0;    // first byte not yet handed out
  std::size_t end_ = 0;      // one past the last byte read
  std::size_t scanned_ = 0;  // [begin_, scanned_) is known to hold no '\n'
  bool eof_ = false;
  bool supplied_newline_ = false;
  std::uint64_t line_number_ = 0;
  std::string_view lent_;     // the bytes the source lent; [lent_pos_, end) not handed out
  std::size_t lent_pos_ = 0;
  std::size_t lent_released_ = 0;  // [0, lent_released_) given back (ByteSource::release_lent)
  bool lending_ = false;
};

// A read error of an input, told apart from a write error of the output (OutputError, which
// ends the run with status 2 even when it surfaces in a read's flush-before-wait). A tool that
// reports a bad input and goes on with the next one catches InputFailed, and nothing else.
struct InputFailed {
  Error error;
};

// Calls read (a LineReader's next_lines, a RecordReader's next …) and returns what it returns;
// an Error of the input comes out as InputFailed, an OutputError as itself.
//
//   while (libpipe::read_input([&] { return lines.next_lines(block); })) …
template <class Read>
decltype(auto) read_input(Read&& read) {
  try {
    return read();
  } catch (const OutputError&) {
    throw;
  } catch (const Error& e) {
    throw InputFailed{e};
  }
}

}  // namespace libpipe
