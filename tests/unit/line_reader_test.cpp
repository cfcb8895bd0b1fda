#include "libpipe/line_reader.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "libpipe/byte_source.hpp"
#include "libpipe/signals.hpp"

using libpipe::LineReader;
using libpipe::MemorySource;

namespace {

std::vector<std::string> all_lines(const std::string& data, std::size_t block = 16, std::size_t max_read = 0) {
  MemorySource src(data, "memory", max_read);
  LineReader reader(src, block);
  std::vector<std::string> out;
  std::string_view line;
  while (reader.next(line)) out.emplace_back(line);
  return out;
}

std::string all_blocks(const std::string& data, std::size_t block = 16, std::size_t max_read = 0) {
  MemorySource src(data, "memory", max_read);
  LineReader reader(src, block);
  std::string out;
  std::string_view lines;
  while (reader.next_lines(lines)) {
    EXPECT_FALSE(lines.empty());
    EXPECT_EQ(lines.back(), '\n') << "every run ends with a newline";
    out += lines;
  }
  return out;
}

}  // namespace

TEST(LineReader, EmptyInputHasNoLines) {
  EXPECT_TRUE(all_lines("").empty());
  EXPECT_EQ(all_blocks(""), "");
}

TEST(LineReader, SplitsOnNewlines) {
  EXPECT_EQ(all_lines("a\nbb\n\nccc\n"), (std::vector<std::string>{"a", "bb", "", "ccc"}));
}

TEST(LineReader, MissingFinalNewlineStillEndsALine) {
  EXPECT_EQ(all_lines("a\nlast"), (std::vector<std::string>{"a", "last"}));
  EXPECT_EQ(all_blocks("a\nlast"), "a\nlast\n");
}

TEST(LineReader, ReportsWhetherTheInputEndedWithANewline) {
  MemorySource src("x\ny");
  LineReader reader(src);
  std::string_view line;
  while (reader.next(line)) {
  }
  EXPECT_FALSE(reader.ended_with_newline());
  MemorySource src2("x\ny\n");
  LineReader reader2(src2);
  while (reader2.next(line)) {
  }
  EXPECT_TRUE(reader2.ended_with_newline());
}

TEST(LineReader, CarriageReturnsAndBinaryBytesPassThrough) {
  std::string data = std::string("dos\r\n\x00\xff\x80 bin\n", 13);
  auto lines = all_lines(data);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "dos\r");
  EXPECT_EQ(lines[1], std::string("\x00\xff\x80 bin", 7));
  EXPECT_EQ(all_blocks(data), data);
}

TEST(LineReader, LinesLongerThanTheBufferMakeItGrow) {
  std::string big(100000, 'x');
  EXPECT_EQ(all_lines("a\n" + big + "\nb\n"), (std::vector<std::string>{"a", big, "b"}));
  EXPECT_EQ(all_blocks("a\n" + big + "\nb"), "a\n" + big + "\nb\n");
}

TEST(LineReader, AFiftyMegabyteLine) {
  std::string big(50u << 20, 'y');
  big[12345] = '\r';
  MemorySource src(big + "\nend\n");
  LineReader reader(src);
  std::string_view line;
  ASSERT_TRUE(reader.next(line));
  EXPECT_EQ(line.size(), big.size());
  EXPECT_EQ(line, big);
  ASSERT_TRUE(reader.next(line));
  EXPECT_EQ(line, "end");
  EXPECT_FALSE(reader.next(line));
}

TEST(LineReader, ShortReadsGiveTheSameLines) {
  std::string data;
  for (int i = 0; i < 500; ++i) data += "line " + std::to_string(i) + (i % 7 ? "\n" : "\r\n");
  auto whole = all_lines(data, 1 << 20);
  for (std::size_t max_read : {1u, 3u, 17u, 4096u}) {
    EXPECT_EQ(all_lines(data, 64, max_read), whole) << "reads of " << max_read;
    EXPECT_EQ(all_blocks(data, 64, max_read), data) << "reads of " << max_read;
  }
}

TEST(LineReader, CountsLines) {
  MemorySource src("a\nb\nc");
  LineReader reader(src);
  std::string_view line;
  while (reader.next(line)) {
  }
  EXPECT_EQ(reader.line_number(), 3u);
}

TEST(LineReader, PaddingAfterEveryLineIsReadable) {
  // The promise json_reader relies on: `padding` bytes after a line may be read.
  std::string data = "{\"a\":1}\n{\"b\":2}";
  MemorySource src(data);
  LineReader reader(src, 16);
  std::string_view line;
  while (reader.next(line)) {
    volatile char sink = 0;
    for (std::size_t i = 0; i < LineReader::padding; ++i) sink = sink + line.data()[line.size() + i];
    (void)sink;
  }
}

TEST(LineReader, MixingNextAndNextLines) {
  MemorySource src("one\ntwo\nthree\n");
  LineReader reader(src);
  std::string_view line;
  ASSERT_TRUE(reader.next(line));
  EXPECT_EQ(line, "one");
  std::string_view rest;
  ASSERT_TRUE(reader.next_lines(rest));
  EXPECT_EQ(rest, "two\nthree\n");
  EXPECT_FALSE(reader.next(line));
}

TEST(LineReader, AStopSignalDropsTheUnfinishedLine) {
  // The source ends because a signal asked to stop: "partial" was cut, not finished.
  libpipe::install_signal_handlers();
  MemorySource src("whole\npartial");
  LineReader reader(src);
  std::string_view line;
  ASSERT_TRUE(reader.next(line));
  EXPECT_EQ(line, "whole");
  raise(SIGTERM);
  EXPECT_FALSE(reader.next(line));
  libpipe::reset_stop_request();
}

namespace {

// A source whose reads fail with the given error.
template <class E>
class FailingSource : public libpipe::ByteSource {
 public:
  std::size_t read(char*, std::size_t) override { throw E("disk", "Input/output error"); }
  const std::string& name() const override { return name_; }

 private:
  std::string name_ = "disk";
};

}  // namespace

TEST(ReadInput, AnInputsErrorComesOutAsInputFailed) {
  FailingSource<libpipe::Error> src;
  LineReader reader(src);
  std::string_view block;
  try {
    libpipe::read_input([&] { return reader.next_lines(block); });
    FAIL() << "no exception";
  } catch (const libpipe::InputFailed& f) {
    EXPECT_EQ(f.error.where(), "disk");
    EXPECT_EQ(f.error.reason(), "Input/output error");
  }
}

TEST(ReadInput, AnOutputErrorPassesThrough) {
  FailingSource<libpipe::OutputError> src;
  LineReader reader(src);
  std::string_view block;
  EXPECT_THROW(libpipe::read_input([&] { return reader.next_lines(block); }), libpipe::OutputError);
}

TEST(ReadInput, ReturnsWhatTheReadReturns) {
  MemorySource src("a\nb\n");
  LineReader reader(src);
  std::string_view block;
  EXPECT_TRUE(libpipe::read_input([&] { return reader.next_lines(block); }));
  EXPECT_EQ(block, "a\nb\n");
  EXPECT_FALSE(libpipe::read_input([&] { return reader.next_lines(block); }));
}

namespace {

// A file of the given bytes, removed at the end of the test.
struct TempFile {
  explicit TempFile(const std::string& data) {
    char name[] = "/tmp/line-reader-test.XXXXXX";
    int fd = mkstemp(name);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
    ::close(fd);
    path = name;
  }
  ~TempFile() { ::unlink(path.c_str()); }
  std::string path;
};

// Lines of many lengths, some longer than the block, past FdSource::min_lend in all.
std::string varied_lines(std::size_t at_least) {
  std::string data;
  for (std::size_t k = 0; data.size() < at_least; ++k) {
    data.append(k % 97 == 0 ? 9000 + k % 13 : k % 31, static_cast<char>('a' + k % 26));
    data += '\n';
  }
  return data;
}

std::string blocks_of(const std::string& path, LineReader::Lend lend, std::size_t block, bool* lent = nullptr) {
  auto src = libpipe::open_input(path);
  LineReader reader(*src, block, lend);
  std::string out;
  std::string_view lines;
  while (reader.next_lines(lines)) {
    EXPECT_EQ(lines.back(), '\n');
    volatile char padding_byte = 0;
    for (std::size_t i = 0; i < LineReader::padding; ++i) padding_byte = lines.data()[lines.size() + i];
    (void)padding_byte;
    out += lines;
  }
  if (lent) *lent = src->lend().empty();  // lent already: nothing more to lend
  return out;
}

std::vector<std::string> lines_of(const std::string& path, LineReader::Lend lend, std::size_t block) {
  auto src = libpipe::open_input(path);
  LineReader reader(*src, block, lend);
  std::vector<std::string> out;
  std::string_view line;
  while (reader.next(line)) out.emplace_back(line);
  return out;
}

}  // namespace

TEST(LineReaderInPlace, AMappedFileGivesTheSameLinesAsReads) {
  for (bool final_newline : {true, false}) {
    std::string data = varied_lines(std::size_t{3} << 20);
    if (!final_newline) data += "the last line, without a newline";
    TempFile file(data);
    std::string expected = final_newline ? data : data + "\n";
    for (std::size_t block : {std::size_t{4096}, LineReader::default_block}) {
      bool lent = false;
      EXPECT_EQ(blocks_of(file.path, LineReader::Lend::in_place, block, &lent), expected);
      EXPECT_TRUE(lent) << "a file over FdSource::min_lend is mapped";
      EXPECT_EQ(blocks_of(file.path, LineReader::Lend::copy, block), expected);
      EXPECT_EQ(lines_of(file.path, LineReader::Lend::in_place, block), lines_of(file.path, LineReader::Lend::copy, block));
    }
  }
}

TEST(LineReaderInPlace, ASmallFileIsRead) {
  TempFile file("a\nb\n");
  auto src = libpipe::open_input(file.path);
  EXPECT_TRUE(src->lend().empty());
  EXPECT_EQ(blocks_of(file.path, LineReader::Lend::in_place, 16), "a\nb\n");
}

TEST(LineReaderInPlace, WhatIsAppendedAfterTheMappingIsReadToo) {
  std::string data = varied_lines(std::size_t{2} << 20);
  TempFile file(data);
  auto src = libpipe::open_input(file.path);
  LineReader reader(*src, 4096, LineReader::Lend::in_place);
  std::string_view lines;
  ASSERT_TRUE(reader.next_lines(lines));
  std::string out(lines);
  {
    int fd = ::open(file.path.c_str(), O_WRONLY | O_APPEND);
    ASSERT_EQ(::write(fd, "appended\n", 9), 9);
    ::close(fd);
  }
  while (reader.next_lines(lines)) out += lines;
  EXPECT_EQ(out, data + "appended\n");
}

TEST(LineReaderInPlace, AFileThatShrinksUnderTheMappingIsAnErrorNotACrash) {
  std::string data = varied_lines(std::size_t{8} << 20);
  TempFile file(data);
  auto src = libpipe::open_input(file.path);
  LineReader reader(*src, 4096, LineReader::Lend::in_place);
  std::string_view lines;
  ASSERT_TRUE(reader.next_lines(lines));
  ASSERT_EQ(::truncate(file.path.c_str(), 4096), 0);  // a copytruncate while we read
  try {
    std::size_t zeros = 0;
    while (reader.next_lines(lines)) {
      for (char c : lines) zeros += c == '\0';  // touches every page: past the end, SIGBUS
    }
    FAIL() << "the shrunk file was read to its old end without an error (" << zeros << " zero bytes)";
  } catch (const libpipe::Error& e) {
    EXPECT_EQ(e.reason(), "file shrank while being read");
    EXPECT_EQ(e.where(), file.path);
  }
}

namespace {

std::size_t resident_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  unsigned long size = 0, resident = 0;
  if (f != nullptr) {
    if (std::fscanf(f, "%lu %lu", &size, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace

TEST(LineReaderInPlace, WhatWasReadIsGivenBackSoTheResidentSizeStaysSmall) {
  std::string data = varied_lines(std::size_t{96} << 20);
  TempFile file(data);
  data.clear();
  data.shrink_to_fit();
  auto src = libpipe::open_input(file.path);
  LineReader reader(*src, LineReader::default_block, LineReader::Lend::in_place);
  const std::size_t before = resident_bytes();
  std::size_t most = before, total = 0;
  std::string_view lines;
  while (reader.next_lines(lines)) {
    for (std::size_t i = 0; i < lines.size(); i += 4096) total += static_cast<unsigned char>(lines[i]);
    most = std::max(most, resident_bytes());
  }
  EXPECT_GT(total, 0u);
  EXPECT_LT(most - before, std::size_t{48} << 20) << "96 MB read in place stayed resident";
}
