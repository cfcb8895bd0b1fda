// The decoders of decompress.hpp, each against data compressed here with its own library:
// round trips, concatenated members, empty data, tiny reads, truncation at every point,
// corruption, trailing garbage — and "every byte before the damage comes out first".
#include "libpipe/decompress.hpp"

#include <bzlib.h>
#include <gtest/gtest.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <functional>
#include <optional>
#include <random>
#include <string>

#include "libpipe/byte_source.hpp"
#include "libpipe/error.hpp"

namespace {

using libpipe::Compression;

std::string gzip(const std::string& data) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<unsigned>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<unsigned>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string bzip2(const std::string& data, int level = 9) {
  std::string out(data.size() + data.size() / 100 + 700, '\0');
  auto len = static_cast<unsigned>(out.size());
  EXPECT_EQ(BZ2_bzBuffToBuffCompress(out.data(), &len, const_cast<char*>(data.data()),
                                     static_cast<unsigned>(data.size()), level, 0, 0),
            BZ_OK);
  out.resize(len);
  return out;
}

std::string bzip2_best(const std::string& data) { return bzip2(data, 9); }
// 100 kB blocks: many blocks even in small tests, for the parallel decoder.
std::string bzip2_fast(const std::string& data) { return bzip2(data, 1); }

std::string xz(const std::string& data) {
  std::string out(lzma_stream_buffer_bound(data.size()), '\0');
  std::size_t pos = 0;
  EXPECT_EQ(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC64, nullptr,
                                    reinterpret_cast<const std::uint8_t*>(data.data()), data.size(),
                                    reinterpret_cast<std::uint8_t*>(out.data()), &pos, out.size()),
            LZMA_OK);
  out.resize(pos);
  return out;
}

std::string zstd(const std::string& data) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);  // as the zstd tool writes
  std::string out(ZSTD_compressBound(data.size()), '\0');
  std::size_t n = ZSTD_compress2(cctx, out.data(), out.size(), data.data(), data.size());
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  ZSTD_freeCCtx(cctx);
  return out;
}

using MakeSource = std::function<std::unique_ptr<libpipe::ByteSource>(std::unique_ptr<libpipe::ByteSource>)>;

struct Codec {
  const char* name;
  Compression format;
  std::function<std::string(const std::string&)> compress;
  std::size_t magic_length;  // shorter cuts are too short to be recognised: plain
  MakeSource make;           // the decoder; empty: whatever open_decoded picks
};

std::ostream& operator<<(std::ostream& os, const Codec& c) { return os << c.name; }

struct Decoded {
  std::string data;
  std::optional<std::string> error;  // the whole message, "name: reason"
  Compression format = Compression::plain;
};

// Decodes everything, with reads of at most `max_read` compressed bytes and `chunk` output
// bytes at a time, with `make` or else with the decoder open_decoded picks.
Decoded decode(const std::string& compressed, std::size_t max_read = 0, std::size_t chunk = 1 << 16,
               const MakeSource& make = {}, Compression format = Compression::plain) {
  Decoded result;
  auto raw = std::make_unique<libpipe::MemorySource>(compressed, "test.file", max_read);
  std::unique_ptr<libpipe::ByteSource> in;
  if (make) {
    in = make(std::move(raw));
    result.format = format;
  } else {
    in = libpipe::open_decoded(std::move(raw), &result.format);
  }
  std::string buf(chunk, '\0');
  try {
    while (std::size_t n = in->read(buf.data(), buf.size())) result.data.append(buf.data(), n);
  } catch (const libpipe::Error& e) {
    result.error = e.what();
  }
  return result;
}

std::string log_lines(std::size_t lines, unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::string text;
  for (std::size_t i = 0; i < lines; ++i) {
    text += "10.0." + std::to_string(rng() % 256) + "." + std::to_string(rng() % 256) +
            " - - [24/Feb/2008:00:00:" + std::to_string(i % 60) + " -0600] \"GET /page/" +
            std::to_string(rng() % 5000) + " HTTP/1.1\" 200 " + std::to_string(rng() % 100000) + "\n";
  }
  return text;
}

std::string random_bytes(std::size_t n, unsigned seed = 7) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

class DecoderTest : public ::testing::TestWithParam<Codec> {
 protected:
  Decoded run(const std::string& compressed, std::size_t max_read = 0, std::size_t chunk = 1 << 16) {
    return decode(compressed, max_read, chunk, GetParam().make, GetParam().format);
  }
};

TEST_P(DecoderTest, RoundTripIsExact) {
  const Codec& c = GetParam();
  std::string text = log_lines(20000);
  auto got = run(c.compress(text));
  EXPECT_EQ(got.format, c.format);
  EXPECT_FALSE(got.error) << *got.error;
  EXPECT_TRUE(got.data == text);
}

TEST_P(DecoderTest, BinaryDataPassesUnchanged) {
  const Codec& c = GetParam();
  std::string bytes = random_bytes(3 << 20);  // incompressible, larger than every buffer
  auto got = run(c.compress(bytes));
  EXPECT_FALSE(got.error) << *got.error;
  EXPECT_TRUE(got.data == bytes);
}

TEST_P(DecoderTest, TinyReadsAndTinyOutputBuffers) {
  const Codec& c = GetParam();
  std::string text = log_lines(300);
  std::string packed = c.compress(text) + c.compress(text);
  for (std::size_t max_read : {1, 3, 7, 1000}) {
    for (std::size_t chunk : {1, 2, 5, 4096}) {
      auto got = run(packed, max_read, chunk);
      EXPECT_FALSE(got.error) << max_read << "/" << chunk << ": " << *got.error;
      EXPECT_TRUE(got.data == text + text) << max_read << "/" << chunk;
    }
  }
}

TEST_P(DecoderTest, EveryMemberOfAConcatenation) {
  const Codec& c = GetParam();
  std::string a = log_lines(1000, 1), b = log_lines(500, 2);
  auto got = run(c.compress(a) + c.compress("") + c.compress(b) + c.compress(a));
  EXPECT_FALSE(got.error) << *got.error;
  EXPECT_TRUE(got.data == a + b + a);
}

TEST_P(DecoderTest, EmptyData) {
  const Codec& c = GetParam();
  auto got = run(c.compress(""));
  EXPECT_EQ(got.format, c.format);
  EXPECT_FALSE(got.error) << *got.error;
  EXPECT_EQ(got.data, "");
}

TEST_P(DecoderTest, TruncatedAtEveryPoint) {
  const Codec& c = GetParam();
  std::string text = log_lines(200);
  std::string packed = c.compress(text);
  for (std::size_t cut = c.magic_length; cut < packed.size(); ++cut) {
    auto got = run(packed.substr(0, cut), 0, 333);
    ASSERT_TRUE(got.error) << "cut at " << cut << " of " << packed.size();
    EXPECT_EQ(got.format, c.format);
    EXPECT_NE(got.error->find("test.file: "), std::string::npos) << *got.error;
    EXPECT_NE(got.error->find("truncated"), std::string::npos) << "cut at " << cut << ": " << *got.error;
    // What came out is the start of the data: nothing invented, nothing reordered.
    EXPECT_TRUE(text.starts_with(got.data)) << "cut at " << cut;
  }
}

TEST_P(DecoderTest, TruncatedLateKeepsNearlyEverything) {
  const Codec& c = GetParam();
  std::string a = log_lines(3000, 1), b = log_lines(3000, 2);
  std::string packed_b = c.compress(b);
  auto got = run(c.compress(a) + packed_b.substr(0, packed_b.size() - 20));
  ASSERT_TRUE(got.error);
  EXPECT_TRUE(got.data.starts_with(a)) << "the whole first member comes out";
  EXPECT_TRUE((a + b).starts_with(got.data));
}

TEST_P(DecoderTest, CorruptionIsReported) {
  const Codec& c = GetParam();
  std::string a = log_lines(3000, 1), b = log_lines(3000, 2);
  std::string packed_a = c.compress(a), packed_b = c.compress(b);
  for (int i = 1; i <= 16; ++i) {
    std::string bad = packed_b;
    std::size_t at = bad.size() / 4 + bad.size() * static_cast<std::size_t>(i) / 40;
    bad[at] = static_cast<char>(bad[at] ^ 0x55);
    auto got = run(packed_a + bad);
    ASSERT_TRUE(got.error) << "byte " << at << " of " << bad.size() << " changed";
    EXPECT_NE(got.error->find("test.file: "), std::string::npos);
    // The good first member is never lost.
    EXPECT_TRUE(got.data.starts_with(a)) << "byte " << at;
  }
}

TEST_P(DecoderTest, TrailingGarbageIsReportedAfterTheData) {
  const Codec& c = GetParam();
  std::string text = log_lines(100);
  auto got = run(c.compress(text) + "this is not compressed data\n");
  ASSERT_TRUE(got.error);
  EXPECT_TRUE(got.data == text);
}

TEST_P(DecoderTest, ReadErrorOfTheRawInputComesAfterTheData) {
  // A source that fails after handing out its bytes, as a disk read error would.
  class Failing : public libpipe::ByteSource {
   public:
    explicit Failing(std::string data) : mem_(std::move(data), "disk.file") {}
    std::size_t read(char* buf, std::size_t n) override {
      std::size_t got = mem_.read(buf, n);
      if (got == 0) throw libpipe::Error("disk.file", "Input/output error");
      return got;
    }
    const std::string& name() const override { return mem_.name(); }

   private:
    libpipe::MemorySource mem_;
  };
  const Codec& c = GetParam();
  std::string text = log_lines(40000);  // several blocks of every format
  std::string packed = c.compress(text);
  auto failing = std::make_unique<Failing>(packed.substr(0, packed.size() / 2));
  auto in = c.make ? c.make(std::move(failing)) : libpipe::open_decoded(std::move(failing));
  std::string out, buf(1 << 20, '\0');
  try {
    while (std::size_t n = in->read(buf.data(), buf.size())) out.append(buf.data(), n);
    FAIL() << "no error";
  } catch (const libpipe::Error& e) {
    EXPECT_EQ(std::string(e.what()), "disk.file: Input/output error");
  }
  EXPECT_FALSE(out.empty());
  EXPECT_TRUE(text.starts_with(out));
}

INSTANTIATE_TEST_SUITE_P(Codecs, DecoderTest,
                         ::testing::Values(Codec{"gzip", Compression::gzip, gzip, 3, {}},
                                           Codec{"bzip2", Compression::bzip2, bzip2_best, 10, {}},
                                           Codec{"bzip2_parallel", Compression::bzip2, bzip2_fast, 10,
                                                 [](std::unique_ptr<libpipe::ByteSource> raw) {
                                                   return libpipe::make_bzip2_source(std::move(raw), 3);
                                                 }},
                                           Codec{"xz", Compression::xz, xz, 6, {}},
                                           Codec{"zstd", Compression::zstd, zstd, 4, {}}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Gzip, TrailingZerosArePadding) {
  std::string text = log_lines(50);
  auto got = decode(gzip(text) + std::string(512, '\0'));
  EXPECT_FALSE(got.error) << *got.error;
  EXPECT_EQ(got.data, text);
}

TEST(Gzip, ReportsTheProblemInWords) {
  std::string packed = gzip(log_lines(100));
  std::string bad_crc = packed;
  bad_crc[bad_crc.size() - 6] ^= 1;  // in the CRC-32 of the trailer
  EXPECT_EQ(decode(bad_crc).error, "test.file: corrupt gzip data (CRC-32 mismatch)");
  EXPECT_EQ(decode(packed.substr(0, 40)).error,
            "test.file: unexpected end of file (the gzip data is truncated)");
  EXPECT_EQ(decode(packed + "junk").error, "test.file: trailing garbage after the gzip data");
}

TEST(Bzip2, ReportsTheProblemInWords) {
  std::string packed = bzip2(log_lines(100));
  EXPECT_EQ(decode(packed.substr(0, 40)).error,
            "test.file: unexpected end of file (the bzip2 data is truncated)");
  EXPECT_EQ(decode(packed + "junk").error, "test.file: trailing garbage after the bzip2 data");
}


Decoded decode_parallel(const std::string& packed, std::size_t max_read = 0) {
  return decode(packed, max_read, 1 << 16, [](std::unique_ptr<libpipe::ByteSource> raw) {
    return libpipe::make_bzip2_source(std::move(raw), 2);
  }, Compression::bzip2);
}

TEST(Bzip2Parallel, ManyBlocksAndStreamsInOrder) {
  std::string a = log_lines(40000, 1), b = log_lines(10000, 2);  // 3 MB: 30 blocks at -1
  std::string packed = bzip2(a, 1) + bzip2(b, 9) + bzip2("", 5) + bzip2(a, 1);
  for (std::size_t max_read : {0, 4096, 77}) {
    auto got = decode_parallel(packed, max_read);
    EXPECT_FALSE(got.error) << *got.error;
    EXPECT_TRUE(got.data == a + b + a) << "reads of " << max_read;
  }
}

TEST(Bzip2Parallel, SameWordsAsOneThread) {
  std::string text = log_lines(20000);
  std::string packed = bzip2(text, 1);
  EXPECT_EQ(decode_parallel(packed.substr(0, packed.size() / 2)).error,
            "test.file: unexpected end of file (the bzip2 data is truncated)");
  EXPECT_EQ(decode_parallel(packed + "junk").error, "test.file: trailing garbage after the bzip2 data");
  EXPECT_EQ(decode_parallel(packed + "BZh9junkjunk").error, "test.file: corrupt bzip2 data (bad stream header)");
  auto padded = decode_parallel(packed + std::string(100, '\0'));
  EXPECT_FALSE(padded.error) << *padded.error;
  EXPECT_TRUE(padded.data == text);
  // A changed stream CRC: every block is fine, the stream as a whole is not.
  std::string bad_crc = packed;
  bad_crc[bad_crc.size() - 2] ^= 0x10;
  auto got = decode_parallel(bad_crc);
  EXPECT_EQ(got.error, "test.file: corrupt bzip2 data (stream CRC mismatch)");
  EXPECT_TRUE(got.data == text);
}

TEST(Detect, MagicBytesNotNames) {
  using libpipe::detect_compression;
  EXPECT_EQ(detect_compression("\x1f\x8b\x08", false), Compression::gzip);
  EXPECT_EQ(detect_compression(std::string_view("\xfd" "7zXZ\0", 6), false), Compression::xz);
  EXPECT_EQ(detect_compression("\x28\xb5\x2f\xfd", false), Compression::zstd);
  EXPECT_EQ(detect_compression("\x5a\x2a\x4d\x18", false), Compression::zstd);  // skippable frame
  EXPECT_EQ(detect_compression("BZh91AY&SY", false), Compression::bzip2);
  EXPECT_EQ(detect_compression("127.0.0.1 - -", false), Compression::plain);
  // Text that begins like a magic number stays text.
  EXPECT_EQ(detect_compression("BZh5 is not bzip2", false), Compression::plain);
  EXPECT_EQ(detect_compression("BZh9", true), Compression::plain);
  EXPECT_EQ(detect_compression("\x1f", true), Compression::plain);
  EXPECT_EQ(detect_compression("", true), Compression::plain);
  // Too short to tell, more to come.
  EXPECT_EQ(detect_compression("\x1f", false), std::nullopt);
  EXPECT_EQ(detect_compression("BZh9", false), std::nullopt);
  EXPECT_EQ(detect_compression("", false), std::nullopt);
}

TEST(Detect, PlainDataIsHandedOutWhole) {
  for (std::string text : {std::string(""), std::string("a"), std::string("\x1f"), std::string("BZh9"),
                           std::string("BZh91AY&SX plain"), log_lines(100)}) {
    auto got = decode(text, 1, 3);
    EXPECT_EQ(got.format, Compression::plain);
    EXPECT_FALSE(got.error);
    EXPECT_EQ(got.data, text);
  }
}

TEST(Detect, DecidesWithoutWaitingForMoreThanItNeeds) {
  // A source that has only two bytes now and would block for more: plain text must be
  // recognised from what has arrived.
  class TwoBytesThenBlock : public libpipe::ByteSource {
   public:
    std::size_t read(char* buf, std::size_t n) override {
      if (given_) ADD_FAILURE() << "read again before the first bytes were used";
      given_ = true;
      buf[0] = 'h';
      if (n > 1) buf[1] = 'i';
      return n > 1 ? 2 : 1;
    }
    const std::string& name() const override { return name_; }

   private:
    bool given_ = false;
    std::string name_ = "slow pipe";
  };
  Compression format;
  auto in = libpipe::open_decoded(std::make_unique<TwoBytesThenBlock>(), &format);
  EXPECT_EQ(format, Compression::plain);
  char buf[16];
  EXPECT_EQ(in->read(buf, sizeof buf), 2u);
}

}  // namespace
