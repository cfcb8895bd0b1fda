#pragma once
// Where gtail left each file, for cron runs that must print every line exactly once
// (`gtail --once --state FILE`, like logtail2). A file is recognised by its inode and by a
// hash of its first bytes (an inode number is recycled once a rotated file is deleted);
// after a rotation between two runs the file read last time is found again beside the log
// under its rotated name (`access.log.1`, `access.log-20260101`).
//
//   libpipe::FollowState state;
//   state.load("gtail.state");                       // a missing file is an empty state
//   for (auto& rec : state.get("/var/log/access.log")) …
//   state.set("/var/log/access.log", {{dev, ino, offset, head_len, head_hash}});
//   state.save("gtail.state");                       // temp file + rename: never half written
//
// The state file is text, one file per line:
//   NAME<TAB>DEVICE<TAB>INODE<TAB>OFFSET<TAB>HEAD_LEN<TAB>HEAD_HASH
// NAME is the absolute path (TAB, newline and backslash escaped as \t \n \\); OFFSET is
// the byte after the last line printed; HEAD_HASH (hexadecimal FNV-1a) covers the first
// HEAD_LEN bytes. A name may have several lines: a renamed file still being read, oldest first.

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace libpipe {

// How many leading bytes identify a file.
inline constexpr std::uint64_t head_hash_bytes = 4096;

struct FileRecord {
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
  std::uint64_t offset = 0;
  std::uint64_t head_len = 0;
  std::uint64_t head_hash = 0;
  friend bool operator==(const FileRecord&, const FileRecord&) = default;
};

// FNV-1a, 64 bits.
std::uint64_t fnv1a(std::string_view bytes, std::uint64_t hash = 0xcbf29ce484222325ull);

// Hash of the first `len` bytes of an open file; false when the file holds fewer bytes.
bool hash_head(int fd, std::uint64_t len, std::uint64_t& hash);

// True when the open file `fd` (of size `size`) is the file `rec` describes: the same
// inode, at least `rec.offset` bytes long, and the same first bytes. The device is not
// compared: its number can change across a reboot while the file stays the same.
bool same_file(int fd, std::uint64_t ino, std::uint64_t size, const FileRecord& rec);

// True when the open file holds the same first bytes and at least rec.offset bytes, whatever
// its inode: a copy made by copytruncate.
bool same_content(int fd, std::uint64_t size, const FileRecord& rec);

// The rotated versions of `path` beside it that can be read as they are: `path.N` and
// `path-DATE` (digits and dashes), not compressed ones. Oldest (by mtime) first.
std::vector<std::string> rotated_siblings(const std::string& path);

// `path` made absolute against the current directory (lexically: no symlinks resolved).
std::string absolute_path(const std::string& path);

// Keeps two runs from using one state file at once (an overlapping cron run would print the
// same lines twice): an exclusive flock on STATE.lock beside it, held while the object
// lives. Throws Error naming the state file when another process holds it or when the lock
// file cannot be created (so a bad --state path fails before anything is printed).
class StateLock {
 public:
  explicit StateLock(const std::string& state_path);
  ~StateLock();
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;

 private:
  int fd_ = -1;
};

class FollowState {
 public:
  // Reads a state file; a missing file is an empty state. Throws Error naming the file
  // and the line when it is malformed or unreadable.
  void load(const std::string& path);
  // Writes the state to a temporary file beside `path`, syncs it and renames it over
  // `path`, so a crash leaves either the old state or the new one. Throws Error.
  void save(const std::string& path) const;

  const std::vector<FileRecord>& get(const std::string& name) const;
  // An empty list forgets the name.
  void set(const std::string& name, std::vector<FileRecord> records);

  const std::map<std::string, std::vector<FileRecord>>& entries() const noexcept { return entries_; }

  // The text of the state file (save() writes exactly this); parse() reads it back.
  std::string serialize() const;
  void parse(std::string_view text, const std::string& where);

 private:
  std::map<std::string, std::vector<FileRecord>> entries_;
};

}  // namespace libpipe
