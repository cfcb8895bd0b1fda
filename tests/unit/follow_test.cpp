#include "libpipe/follow.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "libpipe/output.hpp"
#include "libpipe/signals.hpp"
#include "libpipe/tool.hpp"

namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/follow_test.XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

void write_file(const std::string& path, const std::string& text, bool append = false) {
  std::ofstream(path, append ? std::ios::binary | std::ios::app : std::ios::binary) << text;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct FollowRun {
  std::string out;
  std::vector<std::string> notes;
  int status = -1;
};

// Runs follow_files with its output in a file of `dir`.
FollowRun follow(const TempDir& dir, const std::vector<std::string>& files, const libpipe::FollowOptions& opt) {
  FollowRun r;
  std::string out_path = dir / "out";
  int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  {
    libpipe::Output out(fd, "out");
    libpipe::Diagnostics diag("gtail", [&](std::string_view line) { r.notes.emplace_back(line); });
    r.status = libpipe::follow_files(files, opt, out, diag);
    out.flush();
  }
  ::close(fd);
  r.out = read_file(out_path);
  return r;
}

libpipe::FollowOptions once() {
  libpipe::FollowOptions o;
  o.once = true;
  return o;
}

std::uint64_t last_lines(const std::string& text, std::uint64_t n, const TempDir& dir) {
  write_file(dir / "t", text);
  int fd = ::open((dir / "t").c_str(), O_RDONLY);
  auto at = libpipe::start_of_last_lines(fd, text.size(), n);
  ::close(fd);
  return at;
}

}  // namespace

TEST(Follow, StartOfLastLines) {
  TempDir dir;
  EXPECT_EQ(last_lines("a\nb\nc\n", 0, dir), 6u);
  EXPECT_EQ(last_lines("a\nb\nc\n", 1, dir), 4u);
  EXPECT_EQ(last_lines("a\nb\nc\n", 2, dir), 2u);
  EXPECT_EQ(last_lines("a\nb\nc\n", 3, dir), 0u);
  EXPECT_EQ(last_lines("a\nb\nc\n", 9, dir), 0u);
  EXPECT_EQ(last_lines("a\nb\npart", 0, dir), 4u) << "an unfinished line is waited for whole";
  EXPECT_EQ(last_lines("a\nb\npart", 1, dir), 4u);
  EXPECT_EQ(last_lines("a\nb\npart", 2, dir), 2u);
  EXPECT_EQ(last_lines("", 3, dir), 0u);
  std::string big;
  for (int i = 0; i < 100000; ++i) big += "line " + std::to_string(i) + "\n";
  std::uint64_t at = last_lines(big, 70000, dir);
  EXPECT_EQ(big.substr(at, 11), "line 30000\n") << "across read blocks";
}

TEST(Follow, OnceReadsFromTheStartPositions) {
  TempDir dir;
  write_file(dir / "a", "1\n2\n3\n");
  write_file(dir / "b", "x\ny");
  auto opt = once();
  EXPECT_EQ(follow(dir, {dir / "a"}, opt).out, "");
  opt.start = libpipe::FollowOptions::Start::last_lines;
  opt.count = 2;
  EXPECT_EQ(follow(dir, {dir / "a", dir / "b"}, opt).out, "2\n3\nx\ny\n");
  opt.start = libpipe::FollowOptions::Start::from_line;
  opt.count = 3;
  opt.with_filename = true;
  EXPECT_EQ(follow(dir, {dir / "a"}, opt).out, dir / "a" + "\t3\n");
}

TEST(Follow, OnceReportsMissingFilesAndGoesOn) {
  TempDir dir;
  write_file(dir / "a", "1\n");
  auto opt = once();
  opt.start = libpipe::FollowOptions::Start::from_line;
  opt.count = 1;
  FollowRun r = follow(dir, {dir / "nope", dir / "a"}, opt);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "1\n");
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0], "gtail: " + dir / "nope" + ": No such file or directory");
}

TEST(Follow, StateResumesAcrossRunsAndRotations) {
  TempDir dir;
  std::string log = dir / "log";
  auto opt = once();
  opt.state_path = dir / "state";
  write_file(log, "1\n2\n");
  EXPECT_EQ(follow(dir, {log}, opt).out, "1\n2\n") << "a file new to the state is read whole";
  write_file(log, "3\npart", true);
  EXPECT_EQ(follow(dir, {log}, opt).out, "3\n") << "an unfinished line waits for the next run";
  write_file(log, "ial\n4\n", true);
  fs::rename(log, log + ".1");
  write_file(log + ".1", "late\n", true);
  write_file(log, "5\n");
  EXPECT_EQ(follow(dir, {log}, opt).out, "partial\n4\nlate\n5\n") << "the rotated file, then the new one";
  EXPECT_EQ(follow(dir, {log}, opt).out, "");
  // copytruncate between runs; an older rotated file with a later mtime is not read again.
  write_file(log + "-20260101", "old rotated\n");
  fs::last_write_time(log + "-20260101", fs::file_time_type::clock::now() + std::chrono::hours(1));
  write_file(log, "6\n", true);
  fs::copy_file(log, log + ".1", fs::copy_options::overwrite_existing);
  write_file(log, "7\n");
  EXPECT_EQ(follow(dir, {log}, opt).out, "6\n7\n");
}

TEST(Follow, FollowsRenameRotationLive) {
  TempDir dir;
  std::string log = dir / "log";
  write_file(log, "");
  libpipe::install_signal_handlers();
  libpipe::FollowOptions opt;
  opt.start = libpipe::FollowOptions::Start::from_line;  // however late the follower starts
  opt.count = 1;
  opt.rotation_quiet = 0.2;
  FollowRun r;
  std::thread t([&] { r = follow(dir, {log}, opt); });
  auto wait_for = [&](const std::string& want) {
    for (int i = 0; i < 600; ++i) {
      if (read_file(dir / "out") == want) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  };
  write_file(log, "a\n", true);
  EXPECT_TRUE(wait_for("a\n"));
  fs::rename(log, log + ".1");
  write_file(log + ".1", "late\n", true);
  write_file(log, "b\nhalf", true);
  EXPECT_TRUE(wait_for("a\nlate\nb\n"));
  write_file(log + ".1", "later\n", true);
  EXPECT_TRUE(wait_for("a\nlate\nb\nlater\n")) << "the renamed file is read on";
  pthread_kill(t.native_handle(), SIGTERM);
  t.join();
  libpipe::reset_stop_request();
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "a\nlate\nb\nlater\nhalf\n") << "the unfinished line is flushed at the end";
}

TEST(Follow, StateRunsAfterRandomAppendsPrintEveryLineOnceAndWhole) {
  TempDir dir;
  std::string log = dir / "log";
  write_file(log, "");
  auto opt = once();
  opt.state_path = dir / "state";
  std::string content, printed;
  // FOLLOW_SEED=N tries other cuts.
  unsigned seed = std::getenv("FOLLOW_SEED") ? static_cast<unsigned>(std::atoi(std::getenv("FOLLOW_SEED"))) : 12345u;
  auto next = [&] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff; };
  for (int i = 0; i < 300; ++i) {
    std::string piece;
    for (unsigned n = next() % 40; n > 0; --n) piece += (next() % 5 == 0) ? '\n' : static_cast<char>('a' + next() % 26);
    write_file(log, piece, true);
    content += piece;
    if (i % 97 == 96) {  // now and then a rotation between runs: rename
      fs::rename(log, log + ".1");
      write_file(log, "");
      content += content.empty() || content.back() == '\n' ? "" : "\n";  // a rotated file's last line ends
    } else if (i % 97 == 48) {  // or copytruncate
      fs::copy_file(log, log + ".1", fs::copy_options::overwrite_existing);
      fs::resize_file(log, 0);
      content += content.empty() || content.back() == '\n' ? "" : "\n";
    }
    FollowRun r = follow(dir, {log}, opt);
    ASSERT_EQ(r.status, 0);
    printed += r.out;
  }
  // Everything up to the last newline, exactly once, whatever the cuts between runs.
  EXPECT_EQ(printed, content.substr(0, content.rfind('\n') + 1));
}
