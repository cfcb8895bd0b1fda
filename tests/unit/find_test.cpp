#include "libpipe/find.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "libpipe/error.hpp"
#include "libpipe/output.hpp"
#include "libpipe/signals.hpp"
#include "libpipe/tool.hpp"

namespace fs = std::filesystem;

namespace {

class Tree {
 public:
  Tree() {
    std::string tmpl = (fs::temp_directory_path() / "gpipe-find.XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp");
    root_ = tmpl;
  }
  ~Tree() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  std::string at(const std::string& rel) const { return root_ + "/" + rel; }
  void file(const std::string& rel, std::size_t size = 0, time_t mtime = 0) const {
    fs::create_directories(fs::path(at(rel)).parent_path());
    std::ofstream(at(rel)) << std::string(size, 'x');
    if (mtime) {
      struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
      ::utimensat(AT_FDCWD, at(rel).c_str(), times, 0);
    }
  }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

struct Result {
  std::string out;
  std::string errors;
  int status;
};

// Runs find_files on the tree, from inside it (so paths read "./…"), capturing output.
Result run(const Tree& t, const libpipe::FindOptions& opt, std::vector<std::string> roots = {"."}) {
  Result r;
  std::string out_path = t.root() + ".out";
  int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const std::string cwd = fs::current_path();
  fs::current_path(t.root());
  {
    libpipe::Output out(fd);
    out.set_line_buffered(false);
    libpipe::Diagnostics diag("gfind", [&](std::string_view line) { r.errors += std::string(line) + "\n"; });
    r.status = libpipe::find_files(opt, roots, out, diag);
  }
  fs::current_path(cwd);
  ::close(fd);
  std::ifstream in(out_path);
  std::stringstream ss;
  ss << in.rdbuf();
  r.out = ss.str();
  fs::remove(out_path);
  return r;
}

}  // namespace

TEST(FindOptions, SizeFilters) {
  auto f = libpipe::parse_size_filter("+10M");
  EXPECT_EQ(f.op, libpipe::SizeFilter::at_least);
  EXPECT_EQ(f.bytes, 10u << 20);
  EXPECT_TRUE(f.accepts(10u << 20));
  EXPECT_FALSE(f.accepts((10u << 20) - 1));
  f = libpipe::parse_size_filter("-1k");
  EXPECT_TRUE(f.accepts(1024));
  EXPECT_FALSE(f.accepts(1025));
  f = libpipe::parse_size_filter("4096");
  EXPECT_TRUE(f.accepts(4096));
  EXPECT_FALSE(f.accepts(4097));
  EXPECT_THROW(libpipe::parse_size_filter("+"), libpipe::Error);
  EXPECT_THROW(libpipe::parse_size_filter("-x"), libpipe::Error);
  EXPECT_THROW(libpipe::parse_size_filter(""), libpipe::Error);
}

TEST(FindOptions, FileTypes) {
  EXPECT_EQ(libpipe::parse_file_type("f"), libpipe::FileType::file);
  EXPECT_EQ(libpipe::parse_file_type("d"), libpipe::FileType::directory);
  EXPECT_EQ(libpipe::parse_file_type("directory"), libpipe::FileType::directory);
  EXPECT_EQ(libpipe::parse_file_type("l"), libpipe::FileType::symlink);
  EXPECT_EQ(libpipe::parse_file_type("p"), libpipe::FileType::fifo);
  EXPECT_THROW(libpipe::parse_file_type("x"), libpipe::Error);
  try {
    libpipe::parse_file_type("q");
    FAIL();
  } catch (const libpipe::Error& e) {
    EXPECT_EQ(std::string(e.what()), "type 'q': expected f, d, l, p, s, b or c");
  }
}

TEST(Find, GlobMatchesNamesLikeRglob) {
  Tree t;
  t.file("www/foo/access-log");
  t.file("www/foo/access-log-0108.gz");
  t.file("www/bar/access-log.bz2");
  t.file("www/bar/error-log");
  t.file("access-log-dir/x");
  libpipe::FindOptions opt;
  opt.pattern = "access-log*";
  Result r = run(t, opt);
  EXPECT_EQ(r.out,
            "./access-log-dir\n./www/bar/access-log.bz2\n./www/foo/access-log\n./www/foo/access-log-0108.gz\n");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.errors, "");
  // Given a directory, paths start with it as written.
  opt.types = {libpipe::FileType::file};
  r = run(t, opt, {"www/"});
  EXPECT_EQ(r.out, "www/bar/access-log.bz2\nwww/foo/access-log\nwww/foo/access-log-0108.gz\n");
}

TEST(Find, PatternWithSlashMatchesBelowTheRootLikeRglob) {
  Tree t;
  t.file("www/foo/access-log");
  t.file("www/foo/x/access-log");
  t.file("foo/access-log");
  libpipe::FindOptions opt;
  opt.pattern = "foo/access-*";
  EXPECT_EQ(run(t, opt).out, "./foo/access-log\n./www/foo/access-log\n");
  // Relative to the root: the root's own name is not part of it.
  EXPECT_EQ(run(t, opt, {"www"}).out, "www/foo/access-log\n");
}

TEST(Find, FullPathAndRegex) {
  Tree t;
  t.file("www/foo/access-log");
  t.file("www/foo/deep/access-log");
  t.file("www/bar/access-log");
  libpipe::FindOptions opt;
  opt.full_path = true;
  opt.pattern = "./www/*/access-log";
  EXPECT_EQ(run(t, opt).out, "./www/bar/access-log\n./www/foo/access-log\n");
  opt.pattern = "**/foo/**/access-log";
  EXPECT_EQ(run(t, opt).out, "./www/foo/access-log\n./www/foo/deep/access-log\n");
  opt.regex = true;
  opt.pattern = "foo/.*log$";
  EXPECT_EQ(run(t, opt).out, "./www/foo/access-log\n./www/foo/deep/access-log\n");
  opt.full_path = false;
  opt.pattern = "^(foo|deep)$";
  EXPECT_EQ(run(t, opt).out, "./www/foo\n./www/foo/deep\n");
  opt.pattern = "(";
  EXPECT_THROW(libpipe::EntryFilter filter(opt), libpipe::Error);
  // A regex with a '/' is searched in the path below the root, as a glob with one is.
  opt.pattern = "^foo/[a-z]+-log$";
  EXPECT_EQ(run(t, opt, {"www"}).out, "www/foo/access-log\n");
}

TEST(Find, PatternStartingWithSlashIsAnError) {
  // `gfind /var/log` puts a directory where the pattern goes: say so, do not find nothing.
  libpipe::FindOptions opt;
  opt.pattern = "/var/log";
  try {
    libpipe::EntryFilter filter(opt);
    FAIL();
  } catch (const libpipe::Error& e) {
    EXPECT_EQ(std::string(e.where()), "pattern '/var/log'");
  }
  opt.full_path = true;
  EXPECT_NO_THROW(libpipe::EntryFilter filter(opt));
}

TEST(Find, ExcludePrunesDirectories) {
  Tree t;
  t.file("src/a.c");
  t.file("src/.git/objects/b.c");
  t.file("build/gen.c");
  t.file("keep.c");
  libpipe::FindOptions opt;
  opt.pattern = "*.c";
  opt.excludes = {".git", "buil?"};
  EXPECT_EQ(run(t, opt).out, "./keep.c\n./src/a.c\n");
  opt.excludes = {"src/.git"};
  EXPECT_EQ(run(t, opt).out, "./build/gen.c\n./keep.c\n./src/a.c\n");
}

TEST(Find, DepthLimits) {
  Tree t;
  t.file("a/b/c/d");
  libpipe::FindOptions opt;
  opt.max_depth = 2;
  EXPECT_EQ(run(t, opt).out, "./a\n./a/b\n");
  opt.max_depth = -1;
  opt.min_depth = 3;
  EXPECT_EQ(run(t, opt).out, "./a/b/c\n./a/b/c/d\n");
  opt.max_depth = 3;
  EXPECT_EQ(run(t, opt).out, "./a/b/c\n");
  opt.min_depth = 0;
  opt.max_depth = 0;
  EXPECT_EQ(run(t, opt).out, "");
}

TEST(Find, SizeAndTimeFilters) {
  Tree t;
  t.file("small", 10, 1000);
  t.file("big", 5000, 3000);
  t.file("dir/mid", 1024, 2000);
  libpipe::FindOptions opt;
  opt.sizes = {libpipe::parse_size_filter("+1k")};
  EXPECT_EQ(run(t, opt).out, "./big\n./dir/mid\n");
  opt.sizes.push_back(libpipe::parse_size_filter("-1k"));
  EXPECT_EQ(run(t, opt).out, "./dir/mid\n");
  opt.sizes.clear();
  opt.types = {libpipe::FileType::file};
  opt.modified_after = timespec{2000, 0};
  EXPECT_EQ(run(t, opt).out, "./big\n");
  opt.modified_after = timespec{1999, 999999999};
  EXPECT_EQ(run(t, opt).out, "./big\n./dir/mid\n");
}

TEST(Find, SortByMtimeAndNulAndJson) {
  Tree t;
  t.file("x", 1, 4000);
  t.file("x.1", 2, 3000);
  t.file("x.2.gz", 3, 2000);
  libpipe::FindOptions opt;
  opt.order = libpipe::WalkOrder::mtime;
  opt.format = libpipe::FindFormat::nul;
  EXPECT_EQ(run(t, opt).out, std::string("./x.2.gz\0./x.1\0./x\0", 19));
  opt.format = libpipe::FindFormat::json;
  opt.order = libpipe::WalkOrder::name;
  EXPECT_EQ(run(t, opt).out,
            "{\"path\":\"./x\",\"type\":\"file\",\"size\":1,\"mtime\":\"1970-01-01T01:06:40Z\"}\n"
            "{\"path\":\"./x.1\",\"type\":\"file\",\"size\":2,\"mtime\":\"1970-01-01T00:50:00Z\"}\n"
            "{\"path\":\"./x.2.gz\",\"type\":\"file\",\"size\":3,\"mtime\":\"1970-01-01T00:33:20Z\"}\n");
}

TEST(Find, JsonIsValidForHostileNames) {
  Tree t;
  t.file("bad\xff\n\"name");
  libpipe::FindOptions opt;
  opt.format = libpipe::FindFormat::json;
  const std::string out = run(t, opt).out;
  EXPECT_NE(out.find("\"path\":\"./bad\xef\xbf\xbd\\n\\\"name\""), std::string::npos) << out;
}

TEST(Find, RootFilesAreTestedRootDirectoriesNeverPrinted) {
  Tree t;
  t.file("a.log");
  t.file("b.txt");
  t.file("d/c.log");
  libpipe::FindOptions opt;
  opt.pattern = "*.log";
  Result r = run(t, opt, {"a.log", "b.txt", "d", "missing"});
  EXPECT_EQ(r.out, "a.log\nd/c.log\n");
  EXPECT_EQ(r.errors, "gfind: missing: No such file or directory\n");
  EXPECT_EQ(r.status, 1);
}

TEST(Find, StopSignalEndsTheWalkWithWhatWasFound) {
  Tree t;
  t.file("a");
  t.file("b");
  libpipe::install_signal_handlers();
  ::raise(SIGTERM);
  Result r = run(t, libpipe::FindOptions{});
  libpipe::reset_stop_request();
  // The signal came before the first entry: nothing printed, no error, a clean exit.
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.errors, "");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(run(t, libpipe::FindOptions{}).out, "./a\n./b\n");
}
