#pragma once
// Decoders for compressed logs, as byte sources the line reader can sit on. The format is
// told by the data's first bytes (its magic number), never by the file's name, so a plain
// file named `.gz` is read as plain text and a gzip file named `.log` is decoded.
//
//   auto raw = libpipe::open_input("access-log.2.gz");
//   auto in = libpipe::open_decoded(std::move(raw));     // gzip, bzip2, xz, zstd or plain
//   libpipe::LineReader lines(*in);
//
// Every decoder reads all the members, streams or frames of its input one after the other,
// as `cat a.gz b.gz > ab.gz`, pbzip2, lbzip2, `xz` and `zstd` write them. When the data is
// damaged or cut short, a decoder first hands out every byte it decoded before the damage,
// and only then throws Error(name, what is wrong, in words): so a reader keeps every line
// that came before. Memory stays bounded: nothing is ever decoded whole.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "libpipe/byte_source.hpp"

namespace libpipe {

enum class Compression { plain, gzip, bzip2, xz, zstd };

// "plain", "gzip", "bzip2", "xz", "zstd".
std::string_view compression_name(Compression c) noexcept;

// The format of data that begins with `head`. Empty when `head` is too short to tell and
// more bytes may follow (`at_end` false); with `at_end`, short data is plain.
std::optional<Compression> detect_compression(std::string_view head, bool at_end) noexcept;

// Reads just enough of `raw` to tell its format (so a slow pipe is not waited on longer than
// needed), and returns a source that decodes it, or hands out its bytes unchanged when it is
// plain. The bytes read to tell are not lost. `detected`, when given, receives the format.
// `threads` above 1 lets a decoder that can use several cores do so (bzip2); only for
// inputs that never block, such as files (see make_bzip2_source).
std::unique_ptr<ByteSource> open_decoded(std::unique_ptr<ByteSource> raw,
                                         Compression* detected = nullptr, unsigned threads = 1);

// The decoders, each over the raw bytes of its format.
std::unique_ptr<ByteSource> make_gzip_source(std::unique_ptr<ByteSource> raw);
// With threads > 1, the blocks of a bzip2 stream are decoded on that many threads at once
// and handed out in order, as lbzip2 does. A block is known to be whole only once the next
// one begins, so on a slow pipe this would hold back lines: use it for files.
std::unique_ptr<ByteSource> make_bzip2_source(std::unique_ptr<ByteSource> raw, unsigned threads = 1);
std::unique_ptr<ByteSource> make_xz_source(std::unique_ptr<ByteSource> raw);
std::unique_ptr<ByteSource> make_zstd_source(std::unique_ptr<ByteSource> raw);

}  // namespace libpipe
