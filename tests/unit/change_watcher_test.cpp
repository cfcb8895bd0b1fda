#include "libpipe/change_watcher.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/change_watcher_test.XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST(ChangeWatcher, TimesOutWhenNothingChanges) {
  TempDir dir;
  libpipe::ChangeWatcher w;
  ASSERT_TRUE(w.watch_directory(dir.path.string()));
  EXPECT_FALSE(w.wait({}, 20));
}

TEST(ChangeWatcher, HearsWritesToAWatchedFileEvenAfterItIsRenamed) {
  TempDir dir;
  std::string path = (dir.path / "log").string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0644);
  libpipe::ChangeWatcher w;
  if (w.polling()) GTEST_SKIP() << "no inotify here: " << w.fallback_reason();
  int wd = w.watch_file(fd);
  ASSERT_GE(wd, 0);
  fs::rename(path, path + ".1");
  EXPECT_TRUE(w.wait({}, 5000)) << "a rename is heard";
  ASSERT_EQ(::write(fd, "x\n", 2), 2);
  EXPECT_TRUE(w.wait({}, 5000)) << "a write to the renamed file is heard";
  w.unwatch_file(wd);
  ::close(fd);
}

TEST(ChangeWatcher, HearsANameAppearInAWatchedDirectory) {
  TempDir dir;
  libpipe::ChangeWatcher w;
  if (w.polling()) GTEST_SKIP() << "no inotify here: " << w.fallback_reason();
  ASSERT_TRUE(w.watch_directory(dir.path.string()));
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    int fd = ::open((dir.path / "new").c_str(), O_WRONLY | O_CREAT, 0644);
    ::close(fd);
  });
  EXPECT_TRUE(w.wait({}, 10000));
  t.join();
}

TEST(ChangeWatcher, CannotWatchAMissingDirectory) {
  libpipe::ChangeWatcher w;
  EXPECT_FALSE(w.watch_directory("/no/such/directory/here"));
}

TEST(ChangeWatcher, PollingWakesAtItsInterval) {
  libpipe::ChangeWatcher w(0.01);
  EXPECT_TRUE(w.polling());
  EXPECT_TRUE(w.fallback_reason().empty()) << "asked for, not a fallback";
  auto start = std::chrono::steady_clock::now();
  w.wait({}, -1);  // would block forever with inotify and no events
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

TEST(ChangeWatcher, WakesForExtraDescriptors) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  libpipe::ChangeWatcher w;
  ASSERT_EQ(::write(p[1], "x", 1), 1);
  pollfd fds[1] = {{p[0], POLLIN, 0}};
  EXPECT_TRUE(w.wait(fds, 5000));
  EXPECT_TRUE(fds[0].revents & POLLIN);
  ::close(p[0]);
  ::close(p[1]);
}

TEST(ChangeWatcher, SaysWhichFilesChangedInTheOrderTheyWereWritten) {
  TempDir dir;
  int a = ::open((dir.path / "a").c_str(), O_RDWR | O_CREAT, 0644);
  int b = ::open((dir.path / "b").c_str(), O_RDWR | O_CREAT, 0644);
  libpipe::ChangeWatcher w;
  if (w.polling()) GTEST_SKIP() << "no inotify here: " << w.fallback_reason();
  int wa = w.watch_file(a);
  int wb = w.watch_file(b);
  ASSERT_EQ(::write(b, "1\n", 2), 2);
  ASSERT_EQ(::write(a, "2\n", 2), 2);
  ASSERT_EQ(::write(b, "3\n", 2), 2);
  ASSERT_TRUE(w.wait({}, 5000));
  EXPECT_EQ(w.changed(), (std::vector<int>{wb, wa}));
  EXPECT_FALSE(w.wait({}, 10));
  EXPECT_TRUE(w.changed().empty());
  ::close(a);
  ::close(b);
}
