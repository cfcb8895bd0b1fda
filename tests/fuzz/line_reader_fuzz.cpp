// The line reader must give back exactly the input's bytes, line by line, whatever they are
// and however the reads are cut.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "libpipe/byte_source.hpp"
#include "libpipe/line_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte chooses the read size and the buffer size.
  std::size_t max_read = 1 + data[0] % 13;
  std::size_t block = 1 + data[0] % 29;
  std::string input(reinterpret_cast<const char*>(data + 1), size - 1);

  libpipe::MemorySource src(input, "fuzz", max_read);
  libpipe::LineReader lines(src, block);
  std::string rebuilt;
  std::string_view line;
  while (lines.next(line)) {
    if (line.find('\n') != std::string_view::npos) std::abort();
    rebuilt += line;
    rebuilt += '\n';
  }
  std::string expected = input;
  if (!expected.empty() && expected.back() != '\n') expected += '\n';
  if (rebuilt != expected) std::abort();

  libpipe::MemorySource src2(input, "fuzz", max_read);
  libpipe::LineReader blocks(src2, block);
  std::string joined;
  std::string_view run;
  while (blocks.next_lines(run)) {
    if (run.empty() || run.back() != '\n') std::abort();
    joined += run;
  }
  if (joined != expected) std::abort();
  return 0;
}
