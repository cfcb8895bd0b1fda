#include "libpipe/output.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "libpipe/error.hpp"

namespace {

std::string drain(int fd) {
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

}  // namespace

TEST(Output, BuffersUntilFlushed) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  {
    libpipe::Output out(p[1], "pipe", 1024);
    out.set_line_buffered(false);
    out.write("hello ");
    out.write_line("world");
    EXPECT_EQ(out.buffered(), 12u);
    out.flush();
    EXPECT_EQ(out.buffered(), 0u);
  }
  close(p[1]);
  EXPECT_EQ(drain(p[0]), "hello world\n");
  close(p[0]);
}

TEST(Output, WritesLargerThanTheBufferGoStraightThrough) {
  char path[] = "/tmp/gpipe-out-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::string big(5000, 'z');
  {
    libpipe::Output out(fd, path, 1024);
    out.write("a");
    out.write(big);
    out.put('\n');
    out.flush();
  }
  close(fd);
  int rfd = open(path, O_RDONLY);
  EXPECT_EQ(drain(rfd), "a" + big + "\n");
  close(rfd);
  unlink(path);
}

// room() and commit(): written in place, flushed first when the room is not free, the
// buffer grown for more room than it has; what lies past `end` is not written.
TEST(Output, RoomIsWrittenInPlace) {
  char path[] = "/tmp/gpipe-out-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::string expected;
  {
    libpipe::Output out(fd, path, 64);
    out.set_line_buffered(false);
    out.write("head ");
    expected += "head ";
    for (std::size_t size : {10, 40, 30, 200, 5, 64}) {
      char* w = out.room(size + 16);
      std::memset(w, '#', size + 16);  // the slack a writer may scribble on
      std::string piece = std::string(size - 1, static_cast<char>('a' + size % 26)) + "\n";
      std::memcpy(w, piece.data(), piece.size());
      out.commit(w + piece.size());
      expected += piece;
    }
    // On a terminal, a line committed goes out at once.
    out.set_line_buffered(true);
    char* w = out.room(8);
    std::memcpy(w, "last\n", 5);
    out.commit(w + 5);
    expected += "last\n";
    EXPECT_EQ(out.buffered(), 0u);
  }
  close(fd);
  int rfd = open(path, O_RDONLY);
  EXPECT_EQ(drain(rfd), expected);
  close(rfd);
  unlink(path);
}

TEST(Output, DestructorFlushes) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  {
    libpipe::Output out(p[1]);
    out.write("kept\n");
  }
  close(p[1]);
  EXPECT_EQ(drain(p[0]), "kept\n");
  close(p[0]);
}

TEST(Output, ClosedPipeMeansDownstreamIsDone) {
  signal(SIGPIPE, SIG_IGN);
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  close(p[0]);
  libpipe::Output out(p[1]);
  out.write("nobody reads this\n");
  EXPECT_THROW(out.flush(), libpipe::DownstreamClosed);
  close(p[1]);
}

TEST(Output, WriteErrorNamesTheOutput) {
  int fd = open("/dev/full", O_WRONLY);
  if (fd < 0) GTEST_SKIP() << "no /dev/full";
  libpipe::Output out(fd, "/dev/full");
  out.write("x\n");
  EXPECT_FALSE(out.failed());
  try {
    out.flush();
    FAIL() << "no error";
  } catch (const libpipe::OutputError& e) {
    EXPECT_EQ(std::string(e.what()), "/dev/full: No space left on device");
  }
  EXPECT_TRUE(out.failed());
  close(fd);
}

TEST(Output, LineBufferedFlushesEachLine) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  libpipe::Output out(p[1]);
  out.set_line_buffered(true);
  out.write("partial");
  EXPECT_EQ(out.buffered(), 7u);
  out.put('\n');
  EXPECT_EQ(out.buffered(), 0u);
  out.write("two\n");
  EXPECT_EQ(out.buffered(), 0u);
  close(p[1]);
  EXPECT_EQ(drain(p[0]), "partial\ntwo\n");
  close(p[0]);
}
