#pragma once
// What the four decoder fuzz targets share (gzip_fuzz.cpp, bzip2_fuzz.cpp, xz_fuzz.cpp,
// zstd_fuzz.cpp). The first input byte picks the read sizes; the rest is used twice:
//  1. as compressed data: the decoder may report an Error, but never crash, hang, throw
//     anything else, or hand out more than it promised;
//  2. as plain data, compressed by the codec's own library and decoded again in small,
//     odd pieces: it must come back exactly, however the reads fall.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "libpipe/byte_source.hpp"
#include "libpipe/error.hpp"

namespace fuzz {

using MakeSource = std::unique_ptr<libpipe::ByteSource> (*)(std::unique_ptr<libpipe::ByteSource>);

// Everything the source hands out, until its end or its Error.
inline std::string drain(libpipe::ByteSource& in, std::size_t chunk, bool& failed) {
  std::string out, buf(chunk, '\0');
  failed = false;
  try {
    while (std::size_t n = in.read(buf.data(), chunk)) {
      if (n > chunk) std::abort();
      out.append(buf.data(), n);
      if (out.size() > (std::size_t{16} << 20)) break;  // a decompression bomb: enough
    }
  } catch (const libpipe::Error&) {
    failed = true;
  }
  return out;
}

inline int run(const std::uint8_t* data, std::size_t size, MakeSource make,
               std::string (*compress)(const std::string&)) {
  if (size == 0) return 0;
  std::size_t max_read = 1 + data[0] % 19;
  std::size_t chunk = 1 + (data[0] >> 3) * 97;
  std::string input(reinterpret_cast<const char*>(data + 1), size - 1);

  bool failed = false;
  auto raw = make(std::make_unique<libpipe::MemorySource>(input, "fuzz", max_read));
  drain(*raw, chunk, failed);

  std::string packed = compress(input);
  auto again = make(std::make_unique<libpipe::MemorySource>(packed + packed, "fuzz", max_read));
  std::string back = drain(*again, chunk, failed);
  if (failed || back != input + input) std::abort();
  return 0;
}

}  // namespace fuzz
