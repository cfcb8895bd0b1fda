// open_cat.hpp: file names from a stream, lines of each input, bad inputs reported after
// their good lines, and --jobs giving exactly the output of one job.
#include "libpipe/open_cat.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "libpipe/byte_source.hpp"
#include "libpipe/decompress.hpp"
#include "libpipe/error.hpp"

namespace fs = std::filesystem;

namespace {

std::vector<std::string> names_of(const std::string& input, char sep, std::size_t max_read) {
  libpipe::MemorySource src(input, "names", max_read);
  libpipe::FileNameReader reader(src, sep);
  std::vector<std::string> names;
  std::string name;
  while (reader.next(name)) names.push_back(name);
  return names;
}

TEST(FileNameReader, OnePerLine) {
  using V = std::vector<std::string>;
  for (std::size_t max_read : {0, 1, 3}) {
    EXPECT_EQ(names_of("a.gz\nwww/b c.log\n", '\n', max_read), (V{"a.gz", "www/b c.log"}));
    EXPECT_EQ(names_of("a\n\n\nb", '\n', max_read), (V{"a", "b"})) << "empty names skipped, last kept";
    EXPECT_EQ(names_of("", '\n', max_read), V{});
  }
}

TEST(FileNameReader, NulSeparatedNamesMayHoldNewlines) {
  using V = std::vector<std::string>;
  EXPECT_EQ(names_of(std::string("a\nb\0c\0", 6), '\0', 2), (V{"a\nb", "c"}));
}

TEST(FileNameReader, LongNames) {
  std::string longname(200000, 'x');
  EXPECT_EQ(names_of(longname + "\nshort\n", '\n', 0), (std::vector<std::string>{longname, "short"}));
}

// Runs f with an Output into a temporary file and returns what was written.
template <typename F>
std::string captured(F&& f) {
  char path[] = "/tmp/open_cat_test.XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  {
    libpipe::Output out(fd, "test output");
    out.set_line_buffered(false);
    f(out);
    out.flush();
  }
  std::ifstream in(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  close(fd);
  unlink(path);
  return data;
}

std::string gzip(const std::string& data) {
  uLongf len = compressBound(static_cast<uLong>(data.size())) + 32;
  std::string out(len, '\0');
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<unsigned>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<unsigned>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string numbered_lines(int from, int to) {
  std::string s;
  for (int i = from; i < to; ++i) s += "line " + std::to_string(i) + " of a log\n";
  return s;
}

TEST(CatLines, SuppliesTheLastNewline) {
  libpipe::MemorySource src("a\nb", "x");
  EXPECT_EQ(captured([&](libpipe::Output& out) { libpipe::cat_lines(src, out); }), "a\nb\n");
}

TEST(CatLines, PrefixesEachLine) {
  libpipe::MemorySource src("a\n\nb", "x");
  EXPECT_EQ(captured([&](libpipe::Output& out) { libpipe::cat_lines(src, out, "f.log\t"); }),
            "f.log\ta\nf.log\t\nf.log\tb\n");
}

TEST(CatLines, DamageKeepsEveryCompleteLineBeforeIt) {
  std::string text = numbered_lines(0, 5000);
  std::string packed = gzip(text);
  for (std::size_t cut : {packed.size() / 3, packed.size() / 2, packed.size() - 9}) {
    auto in = libpipe::open_decoded(
        std::make_unique<libpipe::MemorySource>(packed.substr(0, cut), "cut.gz"));
    bool threw = false;
    std::string got = captured([&](libpipe::Output& out) {
      try {
        libpipe::cat_lines(*in, out);
      } catch (const libpipe::Error& e) {
        threw = true;
        EXPECT_EQ(std::string(e.what()), "cut.gz: unexpected end of file (the gzip data is truncated)");
      }
    });
    EXPECT_TRUE(threw);
    EXPECT_TRUE(text.starts_with(got)) << "cut at " << cut;
    EXPECT_TRUE(got.empty() || got.back() == '\n') << "no half line";
    // Every line that was whole in what could be decoded is there.
    EXPECT_GT(got.size(), 0u);
    if (cut == packed.size() - 9) {
      EXPECT_EQ(got, text);  // only the trailer was cut
    }
  }
}

class OpenCatFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("open_cat_test." + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& data) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << data;
    return path;
  }

  // Runs open_cat; returns the output, and the diagnostics in `messages`.
  std::string run(const libpipe::OpenCatOptions& opt, std::vector<std::string>& messages) {
    libpipe::Diagnostics diag("gopen-cat", [&](std::string_view m) { messages.emplace_back(m); });
    return captured([&](libpipe::Output& out) { libpipe::open_cat(opt, out, diag); });
  }

  fs::path dir_;
};

TEST_F(OpenCatFiles, BadFilesAreReportedAndTheRunGoesOn) {
  std::string a = numbered_lines(0, 3000), b = numbered_lines(3000, 6000);
  std::string packed_b = gzip(b);
  std::string good_gz = write("a.log.gz", gzip(a));
  std::string cut_gz = write("cut.gz", packed_b.substr(0, packed_b.size() / 2));
  std::string plain_named_gz = write("plain.gz", "not compressed\nno newline");
  std::string missing = (dir_ / "missing").string();
  libpipe::OpenCatOptions opt;
  opt.files = {good_gz, cut_gz, missing, plain_named_gz, good_gz};
  std::vector<std::string> messages;
  std::string got = run(opt, messages);

  ASSERT_TRUE(got.starts_with(a));
  std::string tail = "not compressed\nno newline\n" + a;
  ASSERT_TRUE(got.ends_with(tail));
  std::string from_cut = got.substr(a.size(), got.size() - a.size() - tail.size());
  EXPECT_TRUE(b.starts_with(from_cut));
  EXPECT_GT(from_cut.size(), b.size() / 4);
  EXPECT_EQ(messages, (std::vector<std::string>{
                          "gopen-cat: " + cut_gz + ": unexpected end of file (the gzip data is truncated)",
                          "gopen-cat: " + missing + ": No such file or directory"}));
}

TEST_F(OpenCatFiles, WithFilename) {
  std::string f = write("x.gz", gzip("one\ntwo\n"));
  libpipe::OpenCatOptions opt;
  opt.files = {f};
  opt.with_filename = true;
  std::vector<std::string> messages;
  EXPECT_EQ(run(opt, messages), f + "\tone\n" + f + "\ttwo\n");
  EXPECT_EQ(libpipe::filename_label("-"), "(standard input)");
}

TEST_F(OpenCatFiles, JobsGiveTheOutputOfOneJob) {
  libpipe::OpenCatOptions opt;
  for (int i = 0; i < 12; ++i) {
    // Large and small files, good and bad, so that workers finish out of order.
    std::string text = numbered_lines(i * 100000, i * 100000 + (i % 3 == 0 ? 30000 : 50));
    std::string packed = gzip(text);
    if (i == 5) packed.resize(packed.size() / 2);
    opt.files.push_back(write("f" + std::to_string(i) + ".gz", i == 7 ? text : packed));
  }
  opt.files.push_back((dir_ / "missing").string());
  opt.files.push_back(opt.files[0]);
  std::vector<std::string> serial_messages;
  std::string serial = run(opt, serial_messages);
  for (unsigned jobs : {2u, 3u, 8u}) {
    for (bool with_filename : {false, true}) {
      libpipe::OpenCatOptions o = opt;
      o.jobs = jobs;
      o.with_filename = with_filename;
      libpipe::OpenCatOptions one = o;
      one.jobs = 1;
      std::vector<std::string> m1, mn;
      std::string expected = with_filename ? run(one, m1) : serial;
      if (!with_filename) m1 = serial_messages;
      EXPECT_TRUE(run(o, mn) == expected) << jobs << " jobs";
      EXPECT_EQ(mn, m1) << jobs << " jobs";
    }
  }
  EXPECT_EQ(serial_messages.size(), 2u);
}

}  // namespace
