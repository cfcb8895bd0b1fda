// The bzip2 decoders (one thread, and blocks on several threads) on hostile bytes, and on
// bzip2 data of any content read in odd pieces.
#include <bzlib.h>

#include "decoder_fuzz.hpp"
#include "libpipe/decompress.hpp"

namespace {
std::string compress(const std::string& data) {
  std::string out(data.size() + data.size() / 100 + 700, '\0');
  auto len = static_cast<unsigned>(out.size());
  if (BZ2_bzBuffToBuffCompress(out.data(), &len, const_cast<char*>(data.data()),
                               static_cast<unsigned>(data.size()), 1, 0, 0) != BZ_OK) {
    std::abort();
  }
  out.resize(len);
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto one_thread = [](std::unique_ptr<libpipe::ByteSource> raw) {
    return libpipe::make_bzip2_source(std::move(raw), 1);
  };
  auto three_threads = [](std::unique_ptr<libpipe::ByteSource> raw) {
    return libpipe::make_bzip2_source(std::move(raw), 3);
  };
  fuzz::run(data, size, one_thread, compress);
  return fuzz::run(data, size, three_threads, compress);
}
