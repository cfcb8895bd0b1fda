#pragma once
// gfind's work: walk directories (walk.hpp), keep the entries whose name matches a glob
// (glob.hpp) or a regular expression and pass the filters, and print them as lines,
// NUL-terminated names or JSON records. The tutorial's gen_find, with find's filters.
//
//   libpipe::FindOptions opt;
//   opt.pattern = "access-log*";
//   opt.types = {libpipe::FileType::file};
//   libpipe::Output out(STDOUT_FILENO);
//   int status = libpipe::find_files(opt, {"www"}, out, diag);   // 0, or 1 after a problem
//
// The root directories themselves are never printed (as with Path.rglob and fd); a root
// that is not a directory is tested like any entry (as with find).

#include <sys/types.h>

#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libpipe/walk.hpp"

namespace libpipe {

class Diagnostics;
class Output;

// --size: `+10M` at least, `-1k` at most, `4096` exactly (k, M, G, T are powers of 1024).
struct SizeFilter {
  enum Op : std::uint8_t { at_least, at_most, exactly } op = exactly;
  std::uint64_t bytes = 0;
  bool accepts(std::uint64_t size) const noexcept;
};
SizeFilter parse_size_filter(std::string_view text);

// --type letters: f d l p s b c (find's), or the words of file_type_name().
FileType parse_file_type(std::string_view text);

enum class FindFormat : std::uint8_t { lines, nul, json };

struct FindOptions {
  std::string pattern = "*";
  bool regex = false;       // pattern is an RE2 regular expression, searched (not anchored)
  bool full_path = false;   // match the whole path as printed, not the name
  std::vector<std::string> excludes;  // globs; an excluded directory is not entered
  std::vector<FileType> types;        // empty: every type
  int min_depth = 0;
  int max_depth = -1;                 // -1: no limit
  std::vector<SizeFilter> sizes;      // regular files only, all must hold
  std::optional<timespec> modified_after;  // keep entries modified strictly after this
  bool follow_symlinks = false;
  WalkOrder order = WalkOrder::name;
  FindFormat format = FindFormat::lines;
};

// Decides which entries are printed and which directories are entered.
class EntryFilter {
 public:
  // Throws Error for a bad pattern (an invalid regular expression).
  explicit EntryFilter(const FindOptions& opt);
  ~EntryFilter();
  EntryFilter(const EntryFilter&) = delete;
  EntryFilter& operator=(const EntryFilter&) = delete;

  // True if the entry is pruned by --exclude (neither printed nor entered).
  bool excluded(const WalkEntry& e) const;
  // True if the entry's name (or path) matches the pattern.
  bool name_matches(const WalkEntry& e) const;
  // True if the filters need the entry's stat (size, time, JSON output).
  bool needs_stat() const noexcept { return needs_stat_; }
  // The filters that need a stat; st may be null only when needs_stat() is false.
  bool stat_matches(const WalkEntry& e, const struct stat* st) const;
  bool type_matches(FileType t) const noexcept { return type_mask_ == 0 || (type_mask_ >> static_cast<int>(t)) & 1; }

 private:
  struct Matcher;
  const FindOptions& opt_;
  std::unique_ptr<Matcher> pattern_;
  std::vector<std::unique_ptr<Matcher>> excludes_;
  unsigned type_mask_ = 0;
  bool needs_stat_ = false;
};

// Appends the JSON record of an entry: {"path","type","size","mtime"} (mtime in UTC, ISO 8601).
void append_find_record(std::string& out, const WalkEntry& e, const struct stat& st);

// Walks every root and writes what matches; problems go to diag and the walk goes on.
// Returns 0, or 1 when something could not be read. A stop signal ends it early.
int find_files(const FindOptions& opt, const std::vector<std::string>& roots, Output& out, Diagnostics& diag);

}  // namespace libpipe
