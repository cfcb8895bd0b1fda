// gzip, with zlib's inflate: every member of the file (`cat a.gz b.gz` is one valid file),
// each checked against its CRC-32 and length. inflate writes straight into the reader's
// large buffer, so its 32 KiB window copy is paid once per megabyte, not per small read.
#include <zlib.h>

#include <cstring>
#include <new>

#include "decoder.hpp"
#include "libpipe/decompress.hpp"

namespace libpipe {

namespace {

std::string describe_zlib_error(const char* msg) {
  std::string what = msg != nullptr ? msg : "invalid data";
  if (what == "incorrect data check") return "corrupt gzip data (CRC-32 mismatch)";
  if (what == "incorrect length check") return "corrupt gzip data (length mismatch)";
  return "corrupt gzip data (" + what + ")";
}

class GzipSource final : public detail::Decoder {
 public:
  explicit GzipSource(std::unique_ptr<ByteSource> raw) : Decoder(std::move(raw)) {
    std::memset(&zs_, 0, sizeof zs_);
    // 15 + 16: a 32 KiB window, and the gzip header and trailer (never zlib or raw data).
    if (inflateInit2(&zs_, 15 + 16) != Z_OK) throw std::bad_alloc();
  }
  ~GzipSource() override { inflateEnd(&zs_); }

 private:
  std::size_t decode(char* buf, std::size_t n) override {
    std::size_t produced = 0;
    while (produced < n && !failed()) {
      if (!input_ready(produced, "gzip")) break;
      if (!inside_member_) {
        if (next_member(0x1f, "gzip") != Next::member) break;
        inside_member_ = true;
      }
      zs_.next_in = const_cast<Bytef*>(in_);
      zs_.avail_in = detail::clamp_uint(available());
      zs_.next_out = reinterpret_cast<Bytef*>(buf + produced);
      zs_.avail_out = detail::clamp_uint(n - produced);
      unsigned out_before = zs_.avail_out;
      int rc = inflate(&zs_, Z_NO_FLUSH);
      in_ = zs_.next_in;
      produced += out_before - zs_.avail_out;
      // A full output buffer may leave decoded bytes inside inflate.
      output_pending_ = zs_.avail_out == 0;
      switch (rc) {
        case Z_OK:
          break;
        case Z_BUF_ERROR:  // no progress possible: inflate needs more input
          output_pending_ = false;
          break;
        case Z_STREAM_END:
          inside_member_ = false;
          output_pending_ = false;
          inflateReset(&zs_);
          break;
        case Z_MEM_ERROR:
          throw std::bad_alloc();
        default:  // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR
          fail(describe_zlib_error(zs_.msg));
          break;
      }
    }
    return produced;
  }

  z_stream zs_;
};

}  // namespace

std::unique_ptr<ByteSource> make_gzip_source(std::unique_ptr<ByteSource> raw) {
  return std::make_unique<GzipSource>(std::move(raw));
}

}  // namespace libpipe
