#pragma once
// What the decoders of decompress.hpp share (private to libpipe): a large buffer of
// compressed input, the rule "hand out what is decoded before waiting for more input", and
// an error that waits until the bytes decoded before it have been handed out.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "libpipe/byte_source.hpp"
#include "libpipe/error.hpp"

namespace libpipe::detail {

class Decoder : public ByteSource {
 public:
  static constexpr std::size_t input_block = std::size_t{1} << 20;

  explicit Decoder(std::unique_ptr<ByteSource> raw);

  // Throws the recorded error once decode() has nothing more before it.
  std::size_t read(char* buf, std::size_t n) final;
  const std::string& name() const override { return raw_->name(); }

 protected:
  // Decodes up to n bytes into buf. Returns 0 only at the end of the data; on damage,
  // calls fail() and returns what it decoded before the damage. A decoder returns as soon
  // as some output is ready and more input would be needed (see need_input()), so a reader
  // behind a slow pipe sees each piece as it arrives: the raw source flushes the output
  // before it waits.
  virtual std::size_t decode(char* buf, std::size_t n) = 0;

  // Compressed bytes not yet used: [in_, in_end_).
  const std::uint8_t* in_ = nullptr;
  const std::uint8_t* in_end_ = nullptr;
  std::size_t available() const noexcept { return static_cast<std::size_t>(in_end_ - in_); }

  // Reads more compressed input into an empty buffer. False at the end of the raw input
  // or when it could not be read (that error is then recorded, as by fail()).
  bool fill();

  // The head of each pass of a member-by-member decode loop: true when there is input
  // to decode, or output left inside the library. False when decode() should return:
  // `produced` bytes are ready (handed out before waiting for input), or the input has
  // ended — inside a member (`inside_member_`), that is recorded as truncation.
  bool input_ready(std::size_t produced, const char* format);
  bool inside_member_ = false;   // a gzip member, bzip2 stream or zstd frame is open
  bool output_pending_ = false;  // the library may hold decoded bytes the buffer had no room for

  // Records what is wrong with the data, in words.
  void fail(std::string reason);
  bool failed() const noexcept { return pending_.has_value(); }

  // Between the members of a gzip file or the streams of a bzip2 file: skips NUL padding
  // (as gzip does, for tapes and block devices) and says whether another member begins,
  // recognised by its first byte; anything else is recorded as trailing garbage.
  enum class Next { member, end, garbage };
  Next next_member(std::uint8_t first_magic_byte, const char* format);

 private:
  std::unique_ptr<ByteSource> raw_;
  std::unique_ptr<std::uint8_t[]> buf_;
  bool raw_eof_ = false;
  std::optional<Error> pending_;
};

// bzip2_parallel.cpp: the blocks of bzip2 streams decoded on `threads` threads.
std::unique_ptr<ByteSource> make_parallel_bzip2_source(std::unique_ptr<ByteSource> raw, unsigned threads);

// Clamps a size to what a C library's `unsigned` length field can hold.
inline unsigned clamp_uint(std::size_t n) noexcept {
  return n > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<unsigned>(n);
}

}  // namespace libpipe::detail
