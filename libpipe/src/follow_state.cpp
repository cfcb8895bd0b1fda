#include "libpipe/follow_state.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <memory>

#include <fmt/format.h>

#include "libpipe/error.hpp"

namespace libpipe {

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t hash) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

bool hash_head(int fd, std::uint64_t len, std::uint64_t& hash) {
  char buf[head_hash_bytes];
  std::uint64_t got = 0;
  hash = fnv1a({});
  while (got < len) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(len - got, sizeof buf));
    ssize_t n = ::pread(fd, buf, want, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    hash = fnv1a({buf, static_cast<std::size_t>(n)}, hash);
    got += static_cast<std::uint64_t>(n);
  }
  return true;
}

bool same_content(int fd, std::uint64_t size, const FileRecord& rec) {
  if (size < rec.offset || size < rec.head_len) return false;
  std::uint64_t hash = 0;
  return hash_head(fd, rec.head_len, hash) && hash == rec.head_hash;
}

bool same_file(int fd, std::uint64_t ino, std::uint64_t size, const FileRecord& rec) {
  return ino == rec.ino && same_content(fd, size, rec);
}

namespace {

// `name` is a rotated version of `base`: base.N or base-DATE (digits and dashes).
bool is_rotated_name(std::string_view name, std::string_view base) {
  if (name.size() <= base.size() + 1 || !name.starts_with(base)) return false;
  char sep = name[base.size()];
  std::string_view rest = name.substr(base.size() + 1);
  if (sep == '.') return std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (sep == '-') {
    return rest.front() >= '0' && rest.front() <= '9' &&
           std::all_of(rest.begin(), rest.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
  }
  return false;
}

std::string escape_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

bool unescape_name(std::string_view text, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (++i == text.size()) return false;
    switch (text[i]) {
      case '\\': out += '\\'; break;
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      default: return false;
    }
  }
  return !out.empty();
}

bool parse_number(std::string_view text, std::uint64_t& value, int base = 10) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

std::vector<std::string> rotated_siblings(const std::string& path) {
  std::string dir = ".", base = path;
  if (auto slash = path.rfind('/'); slash != std::string::npos) {
    dir = slash == 0 ? "/" : path.substr(0, slash);
    base = path.substr(slash + 1);
  }
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
  if (!d) return {};
  struct Found {
    std::string path;
    struct timespec mtime;
  };
  std::vector<Found> found;
  while (dirent* e = ::readdir(d.get())) {
    if (!is_rotated_name(e->d_name, base)) continue;
    std::string p = (dir == "/" ? "" : dir) + "/" + e->d_name;
    struct stat st;
    if (::stat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    found.push_back({p, st.st_mtim});
  }
  // Oldest first; on a tie, access.log.2 is older than access.log.1.
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    if (a.mtime.tv_sec != b.mtime.tv_sec) return a.mtime.tv_sec < b.mtime.tv_sec;
    if (a.mtime.tv_nsec != b.mtime.tv_nsec) return a.mtime.tv_nsec < b.mtime.tv_nsec;
    return a.path > b.path;
  });
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(std::move(f.path));
  return out;
}

std::string absolute_path(const std::string& path) {
  if (path.starts_with('/')) return path;
  char buf[4096];
  if (::getcwd(buf, sizeof buf) == nullptr) return path;
  std::string cwd = buf;
  std::string_view rest = path;
  while (rest.starts_with("./")) rest.remove_prefix(2);
  return (cwd == "/" ? "" : cwd) + "/" + std::string(rest);
}

StateLock::StateLock(const std::string& state_path) {
  std::string lock_path = state_path + ".lock";
  fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw system_error(lock_path, errno);
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) throw Error(state_path, "in use by another gtail (its lock is " + lock_path + ")");
    throw system_error(lock_path, err);
  }
}

StateLock::~StateLock() {
  if (fd_ >= 0) ::close(fd_);
}

void FollowState::load(const std::string& path) {
  entries_.clear();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return;
    throw system_error(path, errno);
  }
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      throw system_error(path, err);
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  parse(text, path);
}

void FollowState::parse(std::string_view text, const std::string& where) {
  entries_.clear();
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    std::size_t nl = text.find('\n');
    if (nl == std::string_view::npos) {
      throw Error(where, fmt::format("line {}: cut short (not a gtail state file?)", line_no));
    }
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    std::string_view fields[6];
    std::size_t n = 0;
    while (n < 6) {
      std::size_t tab = line.find('\t');
      fields[n++] = line.substr(0, tab);
      if (tab == std::string_view::npos) {
        line = {};
        break;
      }
      line.remove_prefix(tab + 1);
    }
    FileRecord rec;
    std::string name;
    if (n != 6 || !line.empty() || !unescape_name(fields[0], name) || !parse_number(fields[1], rec.dev) ||
        !parse_number(fields[2], rec.ino) || !parse_number(fields[3], rec.offset) ||
        !parse_number(fields[4], rec.head_len) || !parse_number(fields[5], rec.head_hash, 16) ||
        rec.head_len > head_hash_bytes) {
      throw Error(where, fmt::format("line {}: malformed (not a gtail state file?)", line_no));
    }
    entries_[name].push_back(rec);
  }
}

std::string FollowState::serialize() const {
  std::string out =
      "# gtail state: name, device, inode, offset after the last line printed, bytes hashed, hash\n";
  for (const auto& [name, records] : entries_) {
    for (const auto& r : records) {
      out += fmt::format("{}\t{}\t{}\t{}\t{}\t{:016x}\n", escape_name(name), r.dev, r.ino, r.offset, r.head_len,
                         r.head_hash);
    }
  }
  return out;
}

void FollowState::save(const std::string& path) const {
  std::string text = serialize();
  std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw system_error(path, errno);
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw system_error(path, err);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  // Synced before the rename: after a crash the state is the old one or the new one.
  int err = ::fsync(fd) == 0 ? 0 : errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    throw system_error(path, err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw system_error(path, err);
  }
}

const std::vector<FileRecord>& FollowState::get(const std::string& name) const {
  static const std::vector<FileRecord> none;
  auto it = entries_.find(name);
  return it == entries_.end() ? none : it->second;
}

void FollowState::set(const std::string& name, std::vector<FileRecord> records) {
  if (records.empty()) {
    entries_.erase(name);
  } else {
    entries_[name] = std::move(records);
  }
}

}  // namespace libpipe
