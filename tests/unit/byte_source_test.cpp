#include "libpipe/byte_source.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <thread>

#include "libpipe/error.hpp"
#include "libpipe/output.hpp"

namespace {

std::string temp_file(const std::string& content) {
  char path[] = "/tmp/gpipe-test-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  close(fd);
  return path;
}

std::string read_all(libpipe::ByteSource& src) {
  std::string out;
  char buf[7];
  while (std::size_t n = src.read(buf, sizeof buf)) out.append(buf, n);
  return out;
}

}  // namespace

TEST(FdSource, ReadsAFile) {
  auto path = temp_file("hello\nworld\n");
  auto src = libpipe::open_input(path);
  EXPECT_TRUE(src->is_regular_file());
  EXPECT_EQ(src->name(), path);
  EXPECT_EQ(read_all(*src), "hello\nworld\n");
  unlink(path.c_str());
}

TEST(FdSource, MissingFileNamesThePathAndTheReason) {
  try {
    libpipe::open_input("/nonexistent/file");
    FAIL() << "no error";
  } catch (const libpipe::Error& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/file: No such file or directory");
    EXPECT_EQ(e.where(), "/nonexistent/file");
  }
}

TEST(FdSource, ADirectoryIsAnError) {
  try {
    libpipe::open_input("/tmp");
    FAIL() << "no error";
  } catch (const libpipe::Error& e) {
    EXPECT_EQ(std::string(e.what()), "/tmp: Is a directory");
  }
}

TEST(FdSource, DashIsStandardInput) {
  auto src = libpipe::open_input("-");
  EXPECT_EQ(src->name(), "standard input");
  EXPECT_EQ(src->fd(), 0);
}

TEST(FdSource, ReadErrorNamesTheSource) {
  int fd = open("/tmp", O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  libpipe::FdSource src(fd, "somedir", true);
  char buf[16];
  EXPECT_THROW(src.read(buf, sizeof buf), libpipe::Error);
}

TEST(FdSource, FlushesTheOutputBeforeWaitingOnAPipe) {
  int in[2], out[2];
  ASSERT_EQ(pipe(in), 0);
  ASSERT_EQ(pipe(out), 0);
  libpipe::Output output(out[1], "test output");
  output.set_line_buffered(false);
  libpipe::FdSource src(in[0], "test input", true, &output);
  output.write("already produced\n");
  // Nothing to read yet: the source must flush before it blocks.
  std::thread writer([&] {
    char buf[64];
    ssize_t n = read(out[0], buf, sizeof buf);  // arrives only if flushed
    EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n > 0 ? n : 0)), "already produced\n");
    EXPECT_EQ(write(in[1], "x", 1), 1);
    close(in[1]);
  });
  char buf[8];
  EXPECT_EQ(src.read(buf, sizeof buf), 1u);
  writer.join();
  close(out[0]);
  close(out[1]);
}

// The flush before a wait is a write: when it fails, the error is the output's, not the
// input's, so a tool does not report it as a bad input and go on.
TEST(FdSource, AFailedFlushBeforeWaitingIsAnOutputError) {
  int out = open("/dev/full", O_WRONLY);
  if (out < 0) GTEST_SKIP() << "no /dev/full";
  int in[2];
  ASSERT_EQ(pipe(in), 0);
  libpipe::Output output(out, "/dev/full");
  output.set_line_buffered(false);
  libpipe::FdSource src(in[0], "test input", true, &output);
  output.write("cannot be written\n");
  char buf[8];
  try {
    src.read(buf, sizeof buf);
    FAIL() << "no error";
  } catch (const libpipe::OutputError& e) {
    EXPECT_EQ(e.where(), "/dev/full");
  }
  close(in[1]);
  close(out);
}

TEST(FdSource, CallsTheWaitHookWhileTheInputIsQuiet) {
  int in[2];
  ASSERT_EQ(pipe(in), 0);
  libpipe::FdSource src(in[0], "test input", true);
  int calls = 0;
  // The hook asks to be called again after 1 ms, three times, then produces the input
  // itself: the read must return it, having called the hook each time it timed out.
  src.wait_hook([&] {
    if (++calls == 3) {
      EXPECT_EQ(write(in[1], "y", 1), 1);
      return -1;
    }
    return 1;
  });
  char buf[8];
  EXPECT_EQ(src.read(buf, sizeof buf), 1u);
  EXPECT_EQ(buf[0], 'y');
  EXPECT_EQ(calls, 3);
  // Input already waiting: the hook is not called.
  EXPECT_EQ(write(in[1], "z", 1), 1);
  EXPECT_EQ(src.read(buf, sizeof buf), 1u);
  EXPECT_EQ(calls, 3);
  close(in[1]);
}

TEST(FdSource, AFileTruncatedWhileReadIsAnErrorNotAnEnd) {
  auto path = temp_file(std::string(100000, 'x'));
  auto src = libpipe::open_input(path);
  char buf[4096];
  ASSERT_EQ(src->read(buf, sizeof buf), sizeof buf);
  ASSERT_EQ(truncate(path.c_str(), 100), 0);
  try {
    while (src->read(buf, sizeof buf) > 0) {
    }
    FAIL() << "the truncation went unnoticed";
  } catch (const libpipe::Error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": file truncated while being read");
  }
  unlink(path.c_str());
}

TEST(FdSource, AFileThatSaysItIsEmptyIsReadToItsEnd) {
  // /proc files have size 0 and content: not a truncation.
  auto src = libpipe::open_input("/proc/self/status");
  EXPECT_NE(read_all(*src).find("Name:"), std::string::npos);
}

TEST(MemorySource, HandsOutItsBytes) {
  libpipe::MemorySource src("abcdefghij", "mem", 3);
  EXPECT_EQ(read_all(src), "abcdefghij");
}
