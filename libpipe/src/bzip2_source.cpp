// bzip2, with libbz2: every stream of the file, one after the other (pbzip2 and lbzip2
// write many streams; `cat a.bz2 b.bz2` too), each block checked against its CRC.
#include <bzlib.h>

#include <cstring>
#include <new>

#include "decoder.hpp"
#include "libpipe/decompress.hpp"

namespace libpipe {

namespace {

class Bzip2Source final : public detail::Decoder {
 public:
  explicit Bzip2Source(std::unique_ptr<ByteSource> raw) : Decoder(std::move(raw)) { start(); }
  ~Bzip2Source() override { BZ2_bzDecompressEnd(&bs_); }

 private:
  void start() {
    std::memset(&bs_, 0, sizeof bs_);
    if (BZ2_bzDecompressInit(&bs_, 0, 0) != BZ_OK) throw std::bad_alloc();
  }

  std::size_t decode(char* buf, std::size_t n) override {
    std::size_t produced = 0;
    while (produced < n && !failed()) {
      if (!input_ready(produced, "bzip2")) break;
      if (!inside_member_) {
        if (next_member('B', "bzip2") != Next::member) break;
        inside_member_ = true;
      }
      bs_.next_in = const_cast<char*>(reinterpret_cast<const char*>(in_));
      bs_.avail_in = detail::clamp_uint(available());
      bs_.next_out = buf + produced;
      bs_.avail_out = detail::clamp_uint(n - produced);
      unsigned in_before = bs_.avail_in;
      unsigned out_before = bs_.avail_out;
      int rc = BZ2_bzDecompress(&bs_);
      in_ += in_before - bs_.avail_in;
      produced += out_before - bs_.avail_out;
      // A full output buffer may leave decoded bytes of the block inside libbz2; an empty
      // input with no output means it needs more.
      output_pending_ = bs_.avail_out == 0;
      switch (rc) {
        case BZ_OK:
          break;
        case BZ_STREAM_END:
          BZ2_bzDecompressEnd(&bs_);
          start();
          inside_member_ = false;
          output_pending_ = false;
          break;
        case BZ_MEM_ERROR:
          throw std::bad_alloc();
        case BZ_DATA_ERROR_MAGIC:
          fail("corrupt bzip2 data (bad stream header)");
          break;
        default:  // BZ_DATA_ERROR: a CRC or a structure that does not add up
          fail("corrupt bzip2 data");
          break;
      }
    }
    return produced;
  }

  bz_stream bs_;
};

}  // namespace

std::unique_ptr<ByteSource> make_bzip2_source(std::unique_ptr<ByteSource> raw, unsigned threads) {
  if (threads > 1) return detail::make_parallel_bzip2_source(std::move(raw), threads);
  return std::make_unique<Bzip2Source>(std::move(raw));
}

}  // namespace libpipe
