// xz, with liblzma: every stream of the file (`cat a.xz b.xz`, and the padding between
// streams), each checked against the check its header names (CRC-64 by default).
#include <lzma.h>

#include <new>

#include "decoder.hpp"
#include "libpipe/decompress.hpp"

namespace libpipe {

namespace {

class XzSource final : public detail::Decoder {
 public:
  explicit XzSource(std::unique_ptr<ByteSource> raw) : Decoder(std::move(raw)) {
    // No memory limit, as `xz -dc`: the largest dictionary xz writes is 1.5 GiB.
    if (lzma_stream_decoder(&xs_, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) throw std::bad_alloc();
  }
  ~XzSource() override { lzma_end(&xs_); }

 private:
  std::size_t decode(char* buf, std::size_t n) override {
    std::size_t produced = 0;
    while (produced < n && !failed() && !ended_) {
      if (available() == 0 && !output_pending_ && !raw_done_) {
        if (produced > 0) break;  // hand out what is ready before waiting for input
        if (!fill()) {
          if (failed()) break;
          raw_done_ = true;  // LZMA_FINISH from now on: liblzma then checks the end
        }
      }
      xs_.next_in = in_;
      xs_.avail_in = available();
      xs_.next_out = reinterpret_cast<std::uint8_t*>(buf + produced);
      xs_.avail_out = n - produced;
      std::size_t out_before = xs_.avail_out;
      lzma_ret rc = lzma_code(&xs_, raw_done_ ? LZMA_FINISH : LZMA_RUN);
      in_ = xs_.next_in;
      produced += out_before - xs_.avail_out;
      output_pending_ = xs_.avail_out == 0;
      switch (rc) {
        case LZMA_OK:
          break;
        case LZMA_STREAM_END:
          ended_ = true;
          break;
        case LZMA_BUF_ERROR:  // no progress, and none possible: the input ends too soon
          if (raw_done_) {
            fail("unexpected end of file (the xz data is truncated)");
          } else {
            output_pending_ = false;
          }
          break;
        case LZMA_MEM_ERROR:
          throw std::bad_alloc();
        case LZMA_FORMAT_ERROR:
          fail("corrupt xz data (bad stream header, or trailing garbage)");
          break;
        case LZMA_OPTIONS_ERROR:
          fail("unsupported xz options");
          break;
        default:  // LZMA_DATA_ERROR, LZMA_PROG_ERROR
          fail("corrupt xz data");
          break;
      }
    }
    return produced;
  }

  lzma_stream xs_ = LZMA_STREAM_INIT;
  bool raw_done_ = false;
  bool ended_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> make_xz_source(std::unique_ptr<ByteSource> raw) {
  return std::make_unique<XzSource>(std::move(raw));
}

}  // namespace libpipe
