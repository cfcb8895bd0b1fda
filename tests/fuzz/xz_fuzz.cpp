// The xz decoder on hostile bytes, and on xz data of any content read in odd pieces.
#include <lzma.h>

#include "decoder_fuzz.hpp"
#include "libpipe/decompress.hpp"

namespace {
std::string compress(const std::string& data) {
  std::string out(lzma_stream_buffer_bound(data.size()), '\0');
  std::size_t pos = 0;
  if (lzma_easy_buffer_encode(0, LZMA_CHECK_CRC64, nullptr,
                              reinterpret_cast<const std::uint8_t*>(data.data()), data.size(),
                              reinterpret_cast<std::uint8_t*>(out.data()), &pos, out.size()) != LZMA_OK) {
    std::abort();
  }
  out.resize(pos);
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::run(data, size, libpipe::make_xz_source, compress);
}
