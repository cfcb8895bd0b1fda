#include "libpipe/follow_state.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "libpipe/error.hpp"

namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/follow_state_test.XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

void set_mtime(const std::string& path, int seconds_ago) {
  fs::last_write_time(path, fs::file_time_type::clock::now() - std::chrono::seconds(seconds_ago));
}

}  // namespace

TEST(FollowState, RoundTripsAndEscapesNames) {
  libpipe::FollowState s;
  s.set("/var/log/a.log", {{1, 2, 3, 4, 0xabcdef}});
  s.set("/odd/na\tme\nwith\\slash", {{5, 6, 7, 8, 9}, {10, 11, 12, 13, 14}});
  libpipe::FollowState back;
  back.parse(s.serialize(), "state");
  EXPECT_EQ(back.entries(), s.entries());
  EXPECT_EQ(back.get("/odd/na\tme\nwith\\slash").size(), 2u);
  EXPECT_TRUE(back.get("/not/there").empty());
}

TEST(FollowState, EmptyRecordsForgetTheName) {
  libpipe::FollowState s;
  s.set("/a", {{1, 2, 3, 0, 0}});
  s.set("/a", {});
  EXPECT_TRUE(s.entries().empty());
}

TEST(FollowState, RejectsMalformedText) {
  libpipe::FollowState s;
  for (const char* bad : {"garbage\n", "/a\t1\t2\t3\t4\n", "/a\t1\t2\t3\t4\tzz\n", "/a\t1\t2\tx\t4\t5\n",
                          "/a\t1\t2\t3\t99999\t5\n", "/a\t1\t2\t3\t4\t5\t6\n", "/a\t1\t2\t3\t4\t5"}) {
    EXPECT_THROW(s.parse(bad, "st"), libpipe::Error) << bad;
  }
  try {
    s.parse("# comment\ngarbage\n", "st");
    FAIL();
  } catch (const libpipe::Error& e) {
    EXPECT_STREQ(e.what(), "st: line 2: malformed (not a gtail state file?)");
  }
}

TEST(FollowState, SavesAtomicallyAndLoads) {
  TempDir dir;
  libpipe::FollowState s;
  s.set("/x", {{1, 2, 3, 4, 5}});
  s.save(dir / "state");
  libpipe::FollowState back;
  back.load(dir / "state");
  EXPECT_EQ(back.entries(), s.entries());
  int files = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir.path)) ++files;
  EXPECT_EQ(files, 1) << "no temporary file is left behind";
  libpipe::FollowState missing;
  missing.load(dir / "none");
  EXPECT_TRUE(missing.entries().empty());
}

TEST(FollowState, RecognisesFilesByInodeAndFirstBytes) {
  TempDir dir;
  write_file(dir / "log", "first line\nsecond line\n");
  int fd = ::open((dir / "log").c_str(), O_RDONLY);
  struct stat st;
  ASSERT_EQ(::fstat(fd, &st), 0);
  std::uint64_t hash = 0;
  ASSERT_TRUE(libpipe::hash_head(fd, 11, hash));
  EXPECT_EQ(hash, libpipe::fnv1a("first line\n"));
  libpipe::FileRecord rec{st.st_dev, st.st_ino, 11, 11, hash};
  auto size = static_cast<std::uint64_t>(st.st_size);
  EXPECT_TRUE(libpipe::same_file(fd, st.st_ino, size, rec));
  EXPECT_FALSE(libpipe::same_file(fd, st.st_ino + 1, size, rec)) << "another inode";
  EXPECT_FALSE(libpipe::same_file(fd, st.st_ino, 5, rec)) << "shorter than the offset: truncated";
  libpipe::FileRecord other = rec;
  other.head_hash ^= 1;
  EXPECT_FALSE(libpipe::same_content(fd, size, other)) << "a recycled inode with other contents";
  std::uint64_t h = 0;
  EXPECT_FALSE(libpipe::hash_head(fd, 1000, h)) << "fewer bytes than asked";
  ::close(fd);
}

TEST(FollowState, FindsRotatedSiblingsOldestFirst) {
  TempDir dir;
  for (const char* name : {"app.log", "app.log.1", "app.log.2", "app.log-20260101", "app.log.3.gz", "app.logx",
                           "app.log.bak", "other.log.1", "app.log-"}) {
    write_file(dir / name, "x\n");
  }
  set_mtime(dir / "app.log-20260101", 300);
  set_mtime(dir / "app.log.2", 200);
  set_mtime(dir / "app.log.1", 100);
  auto found = libpipe::rotated_siblings(dir / "app.log");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0], dir / "app.log-20260101");
  EXPECT_EQ(found[1], dir / "app.log.2");
  EXPECT_EQ(found[2], dir / "app.log.1");
}

TEST(FollowState, AbsolutePaths) {
  EXPECT_EQ(libpipe::absolute_path("/a/b"), "/a/b");
  std::string cwd = fs::current_path().string();
  EXPECT_EQ(libpipe::absolute_path("./x.log"), cwd + "/x.log");
  EXPECT_EQ(libpipe::absolute_path("x.log"), cwd + "/x.log");
}

TEST(FollowState, OneRunAtATimePerStateFile) {
  TempDir dir;
  {
    libpipe::StateLock first(dir / "state");
    try {
      libpipe::StateLock second(dir / "state");
      FAIL() << "a second lock on the same state file";
    } catch (const libpipe::Error& e) {
      EXPECT_EQ(e.where(), dir / "state");
      EXPECT_NE(e.reason().find("in use by another gtail"), std::string::npos);
    }
    libpipe::StateLock other(dir / "other-state");  // another state file is free
  }
  libpipe::StateLock again(dir / "state");  // released with its owner
  EXPECT_THROW(libpipe::StateLock(dir / "no/such/dir/state"), libpipe::Error);
}
