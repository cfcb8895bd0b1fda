#include "libpipe/walk.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

namespace {

// A directory tree under /tmp, removed (permissions restored first) at the end.
class TempTree {
 public:
  TempTree() {
    std::string tmpl = (fs::temp_directory_path() / "gpipe-walk.XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp");
    root_ = tmpl;
  }
  ~TempTree() {
    std::error_code ec;
    for (auto& p : fs::recursive_directory_iterator(root_, fs::directory_options::skip_permission_denied, ec)) {
      if (p.is_directory(ec) && !p.is_symlink(ec)) ::chmod(p.path().c_str(), 0755);
    }
    ::chmod(root_.c_str(), 0755);
    fs::remove_all(root_, ec);
  }
  const std::string& root() const { return root_; }
  std::string at(const std::string& rel) const { return root_ + "/" + rel; }
  void file(const std::string& rel, const std::string& text = "") const {
    fs::create_directories(fs::path(at(rel)).parent_path());
    std::ofstream(at(rel)) << text;
  }
  void dir(const std::string& rel) const { fs::create_directories(at(rel)); }
  void link(const std::string& target, const std::string& rel) const { fs::create_symlink(target, at(rel)); }
  void mtime(const std::string& rel, time_t when) const {
    struct timespec times[2] = {{when, 0}, {when, 0}};
    ::utimensat(AT_FDCWD, at(rel).c_str(), times, AT_SYMLINK_NOFOLLOW);
  }

 private:
  std::string root_;
};

struct Walked {
  std::vector<std::string> lines;   // "relative-path type depth"
  std::vector<std::string> errors;  // "relative-path: reason"
};

// An on_error that keeps each error in w.errors as "relative-path: reason".
std::function<void(const libpipe::Error&)> record_errors(const TempTree& t, Walked& w) {
  return [&t, &w](const libpipe::Error& e) {
    std::string where = e.where();
    if (where.starts_with(t.root())) where = where.substr(t.root().size());
    w.errors.push_back(where + ": " + e.reason());
  };
}

Walked walk(const TempTree& t, libpipe::WalkOptions opt = {}, const std::string& root = "") {
  Walked w;
  const std::string start = root.empty() ? t.root() : root;
  opt.on_error = record_errors(t, w);
  libpipe::Walker walker(start, opt);
  while (const libpipe::WalkEntry* e = walker.next()) {
    w.lines.push_back(std::string(e->relative()) + " " + std::string(libpipe::file_type_name(e->type)) + " " +
                      std::to_string(e->depth));
  }
  return w;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST(Walker, DepthFirstEachDirectorySortedByName) {
  TempTree t;
  t.file("b/z");
  t.file("b/a");
  t.file("a");
  t.file(".hidden");
  t.file("c/d/e");
  t.file("B");
  Walked w = walk(t);
  EXPECT_EQ(w.lines, (Lines{" directory 0", ".hidden file 1", "B file 1", "a file 1", "b directory 1",
                            "b/a file 2", "b/z file 2", "c directory 1", "c/d directory 2", "c/d/e file 3"}));
  EXPECT_TRUE(w.errors.empty());
}

TEST(Walker, PathsAreWrittenAsFindWould) {
  TempTree t;
  t.file("x/y");
  std::vector<std::string> paths;
  for (const std::string& root : {t.at("x"), t.at("x/"), t.at("x//")}) {
    libpipe::Walker w(root, {});
    std::string all;
    while (const libpipe::WalkEntry* e = w.next()) all += std::string(e->path.substr(t.root().size())) + " ";
    paths.push_back(all);
  }
  EXPECT_EQ(paths, (Lines{"/x /x/y ", "/x/ /x/y ", "/x// /x//y "}));
  ASSERT_EQ(::chdir(t.root().c_str()), 0);
  libpipe::Walker dot(".", {});
  std::string all;
  while (const libpipe::WalkEntry* e = dot.next()) all += std::string(e->path) + "|" + std::string(e->relative()) + " ";
  EXPECT_EQ(all, ".| ./x|x ./x/y|x/y ");
  ASSERT_EQ(::chdir("/"), 0);
}

TEST(Walker, SkipChildrenPrunesWithoutReading) {
  TempTree t;
  t.file("keep/a");
  t.file("skip/b");
  t.dir("skip/locked");
  ::chmod(t.at("skip/locked").c_str(), 0);
  libpipe::WalkOptions opt;
  std::vector<std::string> errors, seen;
  opt.on_error = [&](const libpipe::Error& e) { errors.push_back(e.what()); };
  libpipe::Walker w(t.root(), opt);
  while (const libpipe::WalkEntry* e = w.next()) {
    if (e->name == "skip") w.skip_children();
    seen.push_back(std::string(e->relative()));
  }
  EXPECT_EQ(seen, (Lines{"", "keep", "keep/a", "skip"}));
  EXPECT_TRUE(errors.empty());
}

TEST(Walker, OrderByModificationTimeOldestFirst) {
  TempTree t;
  t.file("x");
  t.file("x.1");
  t.file("x.2.gz");
  t.file("x.3.gz");
  t.mtime("x.3.gz", 1000);
  t.mtime("x.2.gz", 2000);
  t.mtime("x.1", 3000);
  t.mtime("x", 4000);
  libpipe::WalkOptions opt;
  opt.order = libpipe::WalkOrder::mtime;
  EXPECT_EQ(walk(t, opt).lines, (Lines{" directory 0", "x.3.gz file 1", "x.2.gz file 1", "x.1 file 1", "x file 1"}));
  // Equal times fall back to the name, so the order stays deterministic.
  t.mtime("x.1", 4000);
  EXPECT_EQ(walk(t, opt).lines, (Lines{" directory 0", "x.3.gz file 1", "x.2.gz file 1", "x file 1", "x.1 file 1"}));
}

TEST(Walker, UnorderedWalkYieldsTheSameEntries) {
  TempTree t;
  for (int i = 0; i < 50; ++i) {
    std::string rel = "d";
    rel += std::to_string(i % 5);
    rel += "/f";
    rel += std::to_string(i);
    t.file(rel);
  }
  libpipe::WalkOptions opt;
  opt.order = libpipe::WalkOrder::none;
  Lines raw = walk(t, opt).lines;
  Lines sorted = walk(t).lines;
  std::sort(raw.begin(), raw.end());
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(raw, sorted);
  EXPECT_EQ(raw.size(), 56u);
}

TEST(Walker, SymlinksAreListedNotFollowedByDefault) {
  TempTree t;
  t.file("real/f");
  t.link("real", "link");
  t.link("missing", "broken");
  Walked w = walk(t);
  EXPECT_EQ(w.lines, (Lines{" directory 0", "broken symlink 1", "link symlink 1", "real directory 1", "real/f file 2"}));
  EXPECT_TRUE(w.errors.empty());
}

TEST(Walker, RootLinkIsFollowed) {
  TempTree t;
  t.file("real/f");
  t.link("real", "link");
  Walked w = walk(t, {}, t.at("link"));
  EXPECT_EQ(w.lines, (Lines{" directory 0", "f file 1"}));
}

TEST(Walker, FollowTakesTargetTypesAndListsBrokenLinks) {
  TempTree t;
  t.file("real/f", "12345");
  t.link("real", "link");
  t.link("real/f", "flink");
  t.link("missing", "broken");
  t.link("self", "self");  // a link to itself: stat gives ELOOP, listed as a link
  libpipe::WalkOptions opt;
  opt.follow_symlinks = true;
  Walked w = walk(t, opt);
  EXPECT_EQ(w.lines, (Lines{" directory 0", "broken symlink 1", "flink file 1", "link directory 1", "link/f file 2",
                            "real directory 1", "real/f file 2", "self symlink 1"}));
  EXPECT_TRUE(w.errors.empty());
}

TEST(Walker, FollowDetectsLoopsAndReportsEachOnce) {
  TempTree t;
  t.file("a/b/x");
  t.link("..", "a/b/up");        // a/b/up -> a: a loop
  t.link("../..", "a/b/top");    // a/b/top -> the root: a loop
  t.link("a", "alias");          // alias -> a: reaches the same loop links again
  libpipe::WalkOptions opt;
  opt.follow_symlinks = true;
  Walked w = walk(t, opt);
  EXPECT_EQ(w.lines, (Lines{" directory 0", "a directory 1", "a/b directory 2", "a/b/top directory 3",
                            "a/b/up directory 3", "a/b/x file 3", "alias directory 1", "alias/b directory 2",
                            "alias/b/top directory 3", "alias/b/up directory 3", "alias/b/x file 3"}));
  ASSERT_EQ(w.errors.size(), 2u);
  EXPECT_EQ(w.errors[0], "/a/b/top: symlink loop: leads back to " + t.root() + ", not entered");
  EXPECT_EQ(w.errors[1], "/a/b/up: symlink loop: leads back to " + t.root() + "/a, not entered");
}

TEST(Walker, UnreadableDirectoryIsReportedAndSkipped) {
  TempTree t;
  t.file("a/secret");
  t.file("b");
  ::chmod(t.root().c_str(), 0755);
  ::chmod(t.at("a").c_str(), 0);
  auto check = [&] {
    Walked w = walk(t);
    EXPECT_EQ(w.lines, (Lines{" directory 0", "a directory 1", "b file 1"}));
    EXPECT_EQ(w.errors, (Lines{"/a: Permission denied"}));
    return w.lines.size() == 3 && w.errors == Lines{"/a: Permission denied"};
  };
  if (::geteuid() != 0) {
    check();
    return;
  }
  // Root reads any directory: the walk runs in a child that has become nobody.
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(3);
    ::_exit(check() ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: the walk as nobody went wrong; 3: could not become nobody";
}

TEST(Walker, MissingRootIsReported) {
  TempTree t;
  Walked w = walk(t, {}, t.at("nope"));
  EXPECT_TRUE(w.lines.empty());
  EXPECT_EQ(w.errors, (Lines{"/nope: No such file or directory"}));
}

TEST(Walker, FileRootIsOneEntry) {
  TempTree t;
  t.file("f", "abc");
  libpipe::Walker w(t.at("f"), {});
  const libpipe::WalkEntry* e = w.next();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->type, libpipe::FileType::file);
  EXPECT_EQ(e->depth, 0);
  ASSERT_NE(w.stat(), nullptr);
  EXPECT_EQ(w.stat()->st_size, 3);
  EXPECT_EQ(w.next(), nullptr);
}

TEST(Walker, EntriesThatVanishAreReportedAndSkipped) {
  TempTree t;
  t.file("d/a", "x");
  t.file("d/b", "y");
  t.file("d/sub/c");
  Walked w;
  libpipe::WalkOptions opt;
  opt.on_error = record_errors(t, w);
  libpipe::Walker walker(t.root(), opt);
  while (const libpipe::WalkEntry* e = walker.next()) {
    w.lines.push_back(std::string(e->relative()));
    if (e->relative() == "d/a") {
      // d has been listed: what goes now vanishes mid-walk.
      fs::remove(t.at("d/b"));
      fs::remove_all(t.at("d/sub"));
    }
    if (e->relative() == "d/b") {
      EXPECT_EQ(walker.stat(), nullptr);
    }
  }
  EXPECT_EQ(w.lines, (Lines{"", "d", "d/a", "d/b", "d/sub"}));
  EXPECT_EQ(w.errors, (Lines{"/d/b: No such file or directory", "/d/sub: No such file or directory"}));
}

TEST(Walker, ADirectoryThatCannotBeStatedIsNotEnteredNorReportedTwice) {
  TempTree t;
  t.file("d/sub/c");
  t.file("d/z");
  Walked w;
  libpipe::WalkOptions opt;
  opt.on_error = record_errors(t, w);
  libpipe::Walker walker(t.root(), opt);
  while (const libpipe::WalkEntry* e = walker.next()) {
    w.lines.push_back(std::string(e->relative()));
    if (e->relative() == "d/sub") {
      fs::remove_all(t.at("d/sub"));
      EXPECT_EQ(walker.stat(), nullptr);  // reported here; entering it would report again
    }
  }
  EXPECT_EQ(w.lines, (Lines{"", "d", "d/sub", "d/z"}));
  EXPECT_EQ(w.errors, (Lines{"/d/sub: No such file or directory"}));
}

TEST(Walker, StatIsFetchedOnDemandAndCached) {
  TempTree t;
  t.file("f", "hello");
  t.link("f", "l");
  libpipe::Walker plain(t.root(), {});
  plain.next();
  plain.next();  // f
  ASSERT_NE(plain.stat(), nullptr);
  EXPECT_EQ(plain.stat()->st_size, 5);
  plain.next();  // l, not followed: the link's own stat
  EXPECT_TRUE(S_ISLNK(plain.stat()->st_mode));
  libpipe::WalkOptions opt;
  opt.follow_symlinks = true;
  libpipe::Walker follow(t.root(), opt);
  follow.next();
  follow.next();
  const libpipe::WalkEntry* l = follow.next();
  EXPECT_EQ(l->type, libpipe::FileType::file);
  EXPECT_EQ(follow.stat()->st_size, 5);
}

TEST(Walker, DeepTreesOutliveTheDescriptorLimit) {
  // More levels than open descriptors allowed: ancestors give theirs back.
  struct rlimit old;
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &old), 0);
  TempTree t;
  std::string rel = "d";
  for (int i = 0; i < 80; ++i) rel += "/d";
  t.file(rel + "/leaf");
  struct rlimit low = old;
  low.rlim_cur = 40;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  Walked w = walk(t);
  ::setrlimit(RLIMIT_NOFILE, &old);
  EXPECT_TRUE(w.errors.empty()) << w.errors.front();
  ASSERT_EQ(w.lines.size(), 83u);
  EXPECT_EQ(w.lines.back(), rel + "/leaf file 82");
}

TEST(Walker, BeforeReadIsCalledOncePerDirectory) {
  TempTree t;
  t.file("a/b/c");
  t.file("x");
  int reads = 0;
  libpipe::WalkOptions opt;
  opt.before_read = [&] { ++reads; };
  walk(t, opt);
  EXPECT_EQ(reads, 3);
}
