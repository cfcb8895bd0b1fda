#include "libpipe/pipe_size.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

TEST(PipeSize, WantsOneMebibyteAtMost) {
  EXPECT_GE(libpipe::wanted_pipe_size(), 4096u);
  EXPECT_LE(libpipe::wanted_pipe_size(), 1u << 20);
}

TEST(PipeSize, EnlargesAPipe) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  long before = fcntl(p[0], F_GETPIPE_SZ);
  libpipe::enlarge_pipe(p[0]);
  long after = fcntl(p[0], F_GETPIPE_SZ);
  EXPECT_GE(after, before);
  if (libpipe::wanted_pipe_size() > static_cast<std::size_t>(before)) {
    EXPECT_GT(after, before);
  }
  close(p[0]);
  close(p[1]);
}

TEST(PipeSize, LeavesOtherDescriptorsAlone) {
  int fd = open("/dev/null", O_WRONLY);
  ASSERT_GE(fd, 0);
  libpipe::enlarge_pipe(fd);  // must not fail or throw
  libpipe::enlarge_pipe(-1);
  close(fd);
}
