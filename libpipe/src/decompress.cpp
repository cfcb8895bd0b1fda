// Telling formats apart by their magic bytes, and what every decoder shares.
#include "libpipe/decompress.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "decoder.hpp"
#include "libpipe/signals.hpp"

namespace libpipe {

std::string_view compression_name(Compression c) noexcept {
  switch (c) {
    case Compression::gzip: return "gzip";
    case Compression::bzip2: return "bzip2";
    case Compression::xz: return "xz";
    case Compression::zstd: return "zstd";
    case Compression::plain: break;
  }
  return "plain";
}

namespace {

// A magic number; `any` marks a byte that may be anything in [lo, hi].
struct Magic {
  Compression format;
  std::string_view bytes;
  std::size_t wild_at = std::string_view::npos;  // a position accepting [lo, hi]
  unsigned char lo = 0, hi = 0;
};

// bzip2 is "BZh" and a block size digit, then the magic of its first block (pi) or, for
// empty data, of the end of the stream (sqrt(pi)): ten bytes, so that a text file that
// happens to begin with "BZh5" stays text.
const std::array<Magic, 6> magics = {{
    {Compression::gzip, std::string_view("\x1f\x8b\x08", 3)},
    {Compression::bzip2, std::string_view("BZh0\x31\x41\x59\x26\x53\x59", 10), 3, '1', '9'},
    {Compression::bzip2, std::string_view("BZh0\x17\x72\x45\x38\x50\x90", 10), 3, '1', '9'},
    {Compression::xz, std::string_view("\xfd" "7zXZ\x00", 6)},
    {Compression::zstd, std::string_view("\x28\xb5\x2f\xfd", 4)},
    // A skippable frame (0x184D2A50 to 0x184D2A5F, little-endian) may open a zstd file.
    {Compression::zstd, std::string_view("\x50\x2a\x4d\x18", 4), 0, 0x50, 0x5f},
}};

bool byte_matches(const Magic& m, std::size_t i, unsigned char c) {
  if (i == m.wild_at) return c >= m.lo && c <= m.hi;
  return c == static_cast<unsigned char>(m.bytes[i]);
}

// Hands out the bytes read to tell the format, then the rest of the raw source.
class PrefixSource : public ByteSource {
 public:
  PrefixSource(std::string prefix, std::unique_ptr<ByteSource> raw)
      : prefix_(std::move(prefix)), raw_(std::move(raw)) {}

  std::size_t read(char* buf, std::size_t n) override {
    if (pos_ < prefix_.size()) {
      std::size_t take = std::min(n, prefix_.size() - pos_);
      std::memcpy(buf, prefix_.data() + pos_, take);
      pos_ += take;
      return take;
    }
    return raw_->read(buf, n);
  }
  const std::string& name() const override { return raw_->name(); }

 private:
  std::string prefix_;
  std::size_t pos_ = 0;
  std::unique_ptr<ByteSource> raw_;
};

}  // namespace

std::optional<Compression> detect_compression(std::string_view head, bool at_end) noexcept {
  bool undecided = false;
  for (const Magic& m : magics) {
    std::size_t n = std::min(head.size(), m.bytes.size());
    bool ok = true;
    for (std::size_t i = 0; i < n && ok; ++i) ok = byte_matches(m, i, static_cast<unsigned char>(head[i]));
    if (!ok) continue;
    if (n == m.bytes.size()) return m.format;
    undecided = true;  // a prefix of this magic: more bytes will tell
  }
  if (undecided && !at_end) return std::nullopt;
  return Compression::plain;
}

std::unique_ptr<ByteSource> open_decoded(std::unique_ptr<ByteSource> raw, Compression* detected,
                                         unsigned threads) {
  constexpr std::size_t longest_magic = 10;
  std::string head;
  std::optional<Compression> format;
  while (!(format = detect_compression(head, false))) {
    char more[longest_magic];
    std::size_t got = raw->read(more, longest_magic - head.size());
    if (got == 0) {
      format = detect_compression(head, true);
      break;
    }
    head.append(more, got);
  }
  if (detected != nullptr) *detected = *format;
  auto source = head.empty() ? std::move(raw)
                             : std::make_unique<PrefixSource>(std::move(head), std::move(raw));
  switch (*format) {
    case Compression::gzip: return make_gzip_source(std::move(source));
    case Compression::bzip2: return make_bzip2_source(std::move(source), threads);
    case Compression::xz: return make_xz_source(std::move(source));
    case Compression::zstd: return make_zstd_source(std::move(source));
    case Compression::plain: break;
  }
  return source;
}

namespace detail {

Decoder::Decoder(std::unique_ptr<ByteSource> raw)
    : raw_(std::move(raw)), buf_(new std::uint8_t[input_block]) {}

std::size_t Decoder::read(char* buf, std::size_t n) {
  if (n == 0) return 0;
  if (pending_) throw *pending_;
  std::size_t got = decode(buf, n);
  if (got == 0 && pending_) {
    // Input cut short by SIGINT or SIGTERM is a stop, not damage.
    if (stop_requested()) return 0;
    throw *pending_;
  }
  return got;
}

bool Decoder::fill() {
  if (in_ != in_end_) return true;
  if (raw_eof_ || pending_) return false;
  std::size_t got = 0;
  try {
    got = raw_->read(reinterpret_cast<char*>(buf_.get()), input_block);
  } catch (const Error& e) {
    pending_ = e;
    return false;
  }
  if (got == 0) {
    raw_eof_ = true;
    return false;
  }
  in_ = buf_.get();
  in_end_ = in_ + got;
  return true;
}

bool Decoder::input_ready(std::size_t produced, const char* format) {
  if (available() > 0 || output_pending_) return true;
  if (produced > 0) return false;
  if (fill()) return true;
  if (inside_member_) fail(std::string("unexpected end of file (the ") + format + " data is truncated)");
  return false;
}

void Decoder::fail(std::string reason) {
  if (!pending_) pending_ = Error(raw_->name(), std::move(reason));
}

Decoder::Next Decoder::next_member(std::uint8_t first_magic_byte, const char* format) {
  bool padding = false;
  for (;;) {
    while (in_ != in_end_ && *in_ == 0) {
      ++in_;
      padding = true;
    }
    if (in_ != in_end_) break;
    if (!fill()) return Next::end;
  }
  if (!padding && *in_ == first_magic_byte) return Next::member;
  fail(std::string("trailing garbage after the ") + format + " data");
  return Next::garbage;
}

}  // namespace detail
}  // namespace libpipe
