#pragma once
// A directory walker for gfind: depth-first, each directory's entries in a deterministic
// order, yielded one at a time as it goes (the tutorial's os.walk generator, pulled).
//
//   libpipe::Walker w("www", {.on_error = [&](const libpipe::Error& e) { diag.error(e); }});
//   while (const libpipe::WalkEntry* e = w.next()) {
//     if (e->name == ".git") w.skip_children();    // prune: never read it
//     else if (e->type == libpipe::FileType::file) out.write_line(e->path);
//   }
//
// The root comes first, at depth 0; then each entry under it, parents before their
// contents. Directories are read with getdents64 and the type comes from d_type, so a
// walk costs no stat per entry; stat() fetches one on demand (and caches it). A directory
// is read only when the walk goes into it, so skip_children() saves the read entirely.
//
// Problems never stop the walk: a directory that cannot be read, an entry that vanished
// between the listing and its use, a symlink loop under follow_symlinks — each goes to
// on_error as Error(path, reason) and the walk goes on with the next entry.
//
// Symbolic links: a root given on the command line is followed (as by fd, rg and
// Path.rglob). Below it, links are yielded as links and not followed, unless
// follow_symlinks: then a link takes its target's type, directories behind links are
// walked, a link whose target is missing is yielded as a link (broken, not an error), and
// a directory that is its own ancestor (same device and inode) is yielded but not entered,
// with one "symlink loop" report per link.

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libpipe/error.hpp"

namespace libpipe {

enum class FileType : std::uint8_t { unknown, file, directory, symlink, fifo, socket, block, character };

// "file", "directory", "symlink", "fifo", "socket", "block-device", "char-device", "unknown".
std::string_view file_type_name(FileType t) noexcept;
FileType file_type_of(mode_t mode) noexcept;

enum class WalkOrder : std::uint8_t {
  name,   // bytewise by name, like `LC_ALL=C ls`
  mtime,  // oldest first (ties by name): rotated logs come in the order they were written
  none,   // as the file system lists them: the fastest
};

struct WalkOptions {
  bool follow_symlinks = false;
  WalkOrder order = WalkOrder::name;
  std::function<void(const Error&)> on_error;
  // Called before each directory is opened and read: the moment the walk may wait.
  std::function<void()> before_read;
};

struct WalkEntry {
  std::string_view path;  // as find prints it: ROOT/sub/name, no doubled '/'
  std::string_view name;  // the last component (the root: the whole root path)
  int depth = 0;          // the root is 0, its entries 1, …
  FileType type = FileType::unknown;  // under follow_symlinks, the target's (a broken link: symlink)
  // path.substr(relative_from) is the path below the root ("" for the root).
  std::size_t relative_from = 0;
  std::string_view relative() const noexcept { return path.substr(relative_from); }
};

class Walker {
 public:
  Walker(std::string root, WalkOptions options);
  ~Walker();
  Walker(const Walker&) = delete;
  Walker& operator=(const Walker&) = delete;

  // The next entry, or nullptr when the walk is over. It stays valid until the next call.
  const WalkEntry* next();
  // Do not enter the directory that next() returned last.
  void skip_children() noexcept { descend_ = false; }
  // The stat of the entry that next() returned last (of the target under
  // follow_symlinks, of the link itself when broken), or nullptr when it could not be had
  // (then the reason went to on_error). Cached: calling again costs nothing.
  const struct stat* stat();

 private:
  struct Item {
    std::uint32_t name_at;   // in Level::names, NUL-terminated
    std::uint32_t name_len;
    std::int32_t stat_at;    // in Level::stats when the order needed one, else -1
    unsigned char d_type;
  };
  struct Level {
    int fd = -1;               // -1 once closed to spare descriptors: then paths are used
    std::size_t path_len = 0;  // the directory's own path is path_.substr(0, path_len)
    std::string names;
    std::vector<Item> items;
    std::vector<struct stat> stats;
    std::size_t next = 0;
    dev_t dev = 0;
    ino_t ino = 0;
  };

  bool start_root();
  void enter_current();
  void read_level(Level& level);
  void order_level(Level& level);
  bool classify(const Level& level, const Item& item, FileType& type);
  // The directory descriptor and name to reach the current entry with *at() calls.
  int at(const Level& level, const char*& name) const;
  int open_current_dir(const Level* parent);
  void spare_descriptors();
  void report(std::string_view path, int err);
  void report(std::string_view path, std::string reason);

  std::string root_;
  WalkOptions opt_;
  std::string path_;
  WalkEntry entry_;
  std::vector<std::unique_ptr<Level>> levels_;
  std::size_t depth_ = 0;      // levels_[0 .. depth_) are open
  bool started_ = false;
  bool descend_ = false;       // enter the directory returned last, on the next call
  bool have_stat_ = false;
  bool stat_failed_ = false;
  struct stat st_;
  const char* current_name_ = nullptr;  // NUL-terminated name of the entry returned last
  std::set<std::pair<dev_t, ino_t>> loops_reported_;
  std::unique_ptr<char[]> buf_;
};

}  // namespace libpipe
