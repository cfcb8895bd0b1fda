// zstd, with libzstd's streaming decoder: every frame of the file (`cat a.zst b.zst`), and
// skippable frames; each frame's checksum is checked when it has one (the zstd tool writes
// one by default). Windows are limited to libzstd's default of 128 MiB, as `zstd -d`.
#include <zstd.h>
#include <zstd_errors.h>

#include <new>

#include "decoder.hpp"
#include "libpipe/decompress.hpp"

namespace libpipe {

namespace {

class ZstdSource final : public detail::Decoder {
 public:
  explicit ZstdSource(std::unique_ptr<ByteSource> raw)
      : Decoder(std::move(raw)), ds_(ZSTD_createDStream()) {
    if (ds_ == nullptr) throw std::bad_alloc();
  }
  ~ZstdSource() override { ZSTD_freeDStream(ds_); }

 private:
  std::size_t decode(char* buf, std::size_t n) override {
    std::size_t produced = 0;
    while (produced < n && !failed()) {
      if (!input_ready(produced, "zstd")) break;
      ZSTD_inBuffer in{in_, available(), 0};
      ZSTD_outBuffer out{buf + produced, n - produced, 0};
      std::size_t rc = ZSTD_decompressStream(ds_, &out, &in);
      in_ += in.pos;
      produced += out.pos;
      if (ZSTD_isError(rc)) {
        fail(describe(rc));
        break;
      }
      // 0: a frame is complete and flushed (calling again now would open the next frame,
      // and make a clean end look truncated). Otherwise more is to come, and a full output
      // buffer may leave decoded bytes inside the decoder.
      inside_member_ = rc != 0;
      output_pending_ = inside_member_ && out.pos == out.size;
    }
    return produced;
  }

  static std::string describe(std::size_t rc) {
    switch (ZSTD_getErrorCode(rc)) {
      case ZSTD_error_prefix_unknown:
        return "corrupt zstd data (bad frame header, or trailing garbage)";
      case ZSTD_error_checksum_wrong:
        return "corrupt zstd data (checksum mismatch)";
      case ZSTD_error_frameParameter_windowTooLarge:
        return "zstd frame needs a window larger than 128 MiB (made with --long?)";
      case ZSTD_error_memory_allocation:
        throw std::bad_alloc();
      default:
        return std::string("corrupt zstd data (") + ZSTD_getErrorName(rc) + ")";
    }
  }

  ZSTD_DStream* ds_;
};

}  // namespace

std::unique_ptr<ByteSource> make_zstd_source(std::unique_ptr<ByteSource> raw) {
  return std::make_unique<ZstdSource>(std::move(raw));
}

}  // namespace libpipe
