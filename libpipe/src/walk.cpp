#include "libpipe/walk.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace libpipe {

std::string_view file_type_name(FileType t) noexcept {
  switch (t) {
    case FileType::file: return "file";
    case FileType::directory: return "directory";
    case FileType::symlink: return "symlink";
    case FileType::fifo: return "fifo";
    case FileType::socket: return "socket";
    case FileType::block: return "block-device";
    case FileType::character: return "char-device";
    case FileType::unknown: break;
  }
  return "unknown";
}

FileType file_type_of(mode_t mode) noexcept {
  switch (mode & S_IFMT) {
    case S_IFREG: return FileType::file;
    case S_IFDIR: return FileType::directory;
    case S_IFLNK: return FileType::symlink;
    case S_IFIFO: return FileType::fifo;
    case S_IFSOCK: return FileType::socket;
    case S_IFBLK: return FileType::block;
    case S_IFCHR: return FileType::character;
    default: return FileType::unknown;
  }
}

namespace {

FileType type_of_dirent(unsigned char d_type) noexcept {
  switch (d_type) {
    case DT_REG: return FileType::file;
    case DT_DIR: return FileType::directory;
    case DT_LNK: return FileType::symlink;
    case DT_FIFO: return FileType::fifo;
    case DT_SOCK: return FileType::socket;
    case DT_BLK: return FileType::block;
    case DT_CHR: return FileType::character;
    default: return FileType::unknown;
  }
}

constexpr std::size_t dirent_buffer = 64 * 1024;

bool older(const struct stat& a, const struct stat& b) {
  if (a.st_mtim.tv_sec != b.st_mtim.tv_sec) return a.st_mtim.tv_sec < b.st_mtim.tv_sec;
  return a.st_mtim.tv_nsec < b.st_mtim.tv_nsec;
}

}  // namespace

Walker::Walker(std::string root, WalkOptions options)
    : root_(std::move(root)), opt_(std::move(options)), buf_(new char[dirent_buffer]) {}

Walker::~Walker() {
  for (std::size_t i = 0; i < depth_; ++i) {
    if (levels_[i]->fd >= 0) ::close(levels_[i]->fd);
  }
}

void Walker::report(std::string_view path, int err) { report(path, std::strerror(err)); }

void Walker::report(std::string_view path, std::string reason) {
  if (opt_.on_error) opt_.on_error(Error(std::string(path), std::move(reason)));
}

bool Walker::start_root() {
  path_ = root_;
  entry_ = WalkEntry{};
  entry_.path = path_;
  entry_.name = path_;
  entry_.depth = 0;
  entry_.relative_from = path_.size();
  current_name_ = nullptr;
  // A root is followed when it is a link: `gfind '*.log' /var/log/app` means what is there.
  if (::stat(path_.c_str(), &st_) != 0) {
    const int err = errno;
    if (::lstat(path_.c_str(), &st_) != 0) {
      report(path_, err);
      return false;
    }
  }
  have_stat_ = true;
  stat_failed_ = false;
  entry_.type = file_type_of(st_.st_mode);
  descend_ = entry_.type == FileType::directory;
  return true;
}

int Walker::at(const Level& level, const char*& name) const {
  if (level.fd >= 0) {
    name = current_name_;
    return level.fd;
  }
  name = path_.c_str();
  return AT_FDCWD;
}

// Deep trees would otherwise hold one descriptor per level: when they run out, the
// ancestors give theirs back and are reached by path from then on.
void Walker::spare_descriptors() {
  for (std::size_t i = 0; i + 1 < depth_; ++i) {
    if (levels_[i]->fd >= 0) {
      ::close(levels_[i]->fd);
      levels_[i]->fd = -1;
    }
  }
}

int Walker::open_current_dir(const Level* parent) {
  // Below the root a link is entered only under follow_symlinks; O_NOFOLLOW also guards
  // against a directory swapped for a link between the listing and the open.
  const int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (parent && !opt_.follow_symlinks ? O_NOFOLLOW : 0);
  for (int attempt = 0;; ++attempt) {
    int fd;
    if (parent == nullptr) {
      fd = ::open(path_.c_str(), flags);
    } else {
      const char* name;
      const int dir = at(*parent, name);
      fd = ::openat(dir, name, flags);
    }
    if (fd >= 0 || (errno != EMFILE && errno != ENFILE) || attempt == 1) return fd;
    spare_descriptors();
  }
}

void Walker::enter_current() {
  Level* parent = depth_ > 0 ? levels_[depth_ - 1].get() : nullptr;
  if (opt_.before_read) opt_.before_read();
  const int fd = open_current_dir(parent);
  if (fd < 0) {
    report(path_, errno);
    return;
  }
  if (depth_ == levels_.size()) levels_.push_back(std::make_unique<Level>());
  Level& level = *levels_[depth_];
  level.fd = fd;
  level.path_len = path_.size();
  level.names.clear();
  level.items.clear();
  level.stats.clear();
  level.next = 0;
  if (opt_.follow_symlinks) {
    struct stat dir_st;
    if (::fstat(fd, &dir_st) != 0) {
      report(path_, errno);
      ::close(fd);
      level.fd = -1;
      return;
    }
    level.dev = dir_st.st_dev;
    level.ino = dir_st.st_ino;
    for (std::size_t i = 0; i < depth_; ++i) {
      const Level& up = *levels_[i];
      if (up.dev != level.dev || up.ino != level.ino) continue;
      // A loop: the entry is listed, its contents are not. Each link is reported once,
      // however many ways the walk reaches it.
      struct stat link_st;
      const char* name;
      const int dir = at(*parent, name);
      auto key = std::make_pair(level.dev, level.ino);
      if (::fstatat(dir, name, &link_st, AT_SYMLINK_NOFOLLOW) == 0) key = {link_st.st_dev, link_st.st_ino};
      if (loops_reported_.insert(key).second) {
        report(path_, "symlink loop: leads back to " + path_.substr(0, up.path_len) + ", not entered");
      }
      ::close(fd);
      level.fd = -1;
      return;
    }
  }
  ++depth_;
  read_level(level);
  if (opt_.order != WalkOrder::none) order_level(level);
}

void Walker::read_level(Level& level) {
  for (;;) {
    const ssize_t got = ::getdents64(level.fd, buf_.get(), dirent_buffer);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      // What was listed before the failure is still walked.
      report(path_, errno);
      break;
    }
    for (ssize_t off = 0; off < got;) {
      const auto* d = reinterpret_cast<const struct dirent64*>(buf_.get() + off);
      off += d->d_reclen;
      const char* name = d->d_name;
      if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
      const std::size_t len = std::strlen(name);
      level.items.push_back(Item{static_cast<std::uint32_t>(level.names.size()),
                                 static_cast<std::uint32_t>(len), -1, d->d_type});
      level.names.append(name, len + 1);
    }
  }
}

void Walker::order_level(Level& level) {
  const std::string& names = level.names;
  auto name_of = [&names](const Item& i) { return std::string_view(names.data() + i.name_at, i.name_len); };
  if (opt_.order == WalkOrder::name) {
    std::sort(level.items.begin(), level.items.end(),
              [&](const Item& a, const Item& b) { return name_of(a) < name_of(b); });
    return;
  }
  // By modification time: each entry needs its stat now, and keeps it for later.
  level.stats.resize(level.items.size());
  std::size_t kept = 0;
  for (std::size_t i = 0; i < level.items.size(); ++i) {
    Item item = level.items[i];
    struct stat& st = level.stats[kept];
    const char* name = names.data() + item.name_at;
    const int dir = level.fd >= 0 ? level.fd : AT_FDCWD;
    std::string full;
    if (level.fd < 0) {
      full = path_ + "/" + name;
      name = full.c_str();
    }
    int rc = ::fstatat(dir, name, &st, opt_.follow_symlinks ? 0 : AT_SYMLINK_NOFOLLOW);
    if (rc != 0 && opt_.follow_symlinks) rc = ::fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW);
    if (rc != 0) {
      // Gone between the listing and the stat.
      std::string where = path_;
      if (where.empty() || where.back() != '/') where += '/';
      report(where + (names.data() + item.name_at), errno);
      continue;
    }
    item.stat_at = static_cast<std::int32_t>(kept);
    level.items[kept++] = item;
  }
  level.items.resize(kept);
  level.stats.resize(kept);
  std::sort(level.items.begin(), level.items.end(), [&](const Item& a, const Item& b) {
    const struct stat& sa = level.stats[static_cast<std::size_t>(a.stat_at)];
    const struct stat& sb = level.stats[static_cast<std::size_t>(b.stat_at)];
    if (older(sa, sb)) return true;
    if (older(sb, sa)) return false;
    return name_of(a) < name_of(b);
  });
}

bool Walker::classify(const Level& level, const Item& item, FileType& type) {
  type = type_of_dirent(item.d_type);
  if (have_stat_) {
    type = file_type_of(st_.st_mode);
    return true;
  }
  const char* name;
  const int dir = at(level, name);
  if (type == FileType::unknown) {
    // Some file systems do not fill d_type.
    if (::fstatat(dir, name, &st_, AT_SYMLINK_NOFOLLOW) != 0) {
      report(path_, errno);
      return false;
    }
    type = file_type_of(st_.st_mode);
    have_stat_ = !(opt_.follow_symlinks && type == FileType::symlink);
  }
  if (type == FileType::symlink && opt_.follow_symlinks) {
    struct stat target;
    if (::fstatat(dir, name, &target, 0) == 0) {
      st_ = target;
      have_stat_ = true;
      type = file_type_of(target.st_mode);
    }
    // Otherwise a broken link (or a chain of links that loops): listed as a link.
  }
  return true;
}

const struct stat* Walker::stat() {
  if (have_stat_) return &st_;
  if (stat_failed_ || depth_ == 0) return nullptr;
  const char* name;
  const int dir = at(*levels_[depth_ - 1], name);
  int rc = ::fstatat(dir, name, &st_, opt_.follow_symlinks ? 0 : AT_SYMLINK_NOFOLLOW);
  if (rc != 0 && opt_.follow_symlinks) rc = ::fstatat(dir, name, &st_, AT_SYMLINK_NOFOLLOW);
  if (rc != 0) {
    report(path_, errno);
    stat_failed_ = true;
    // Entering it would fail the same way (a parent we may read but not search, or an
    // entry gone) and report it a second time.
    descend_ = false;
    return nullptr;
  }
  have_stat_ = true;
  return &st_;
}

const WalkEntry* Walker::next() {
  if (!started_) {
    started_ = true;
    return start_root() ? &entry_ : nullptr;
  }
  if (descend_) {
    descend_ = false;
    enter_current();
  }
  const std::size_t relative_from = root_.size() + (root_.empty() || root_.back() != '/' ? 1 : 0);
  while (depth_ > 0) {
    Level& level = *levels_[depth_ - 1];
    if (level.next == level.items.size()) {
      if (level.fd >= 0) ::close(level.fd);
      level.fd = -1;
      --depth_;
      continue;
    }
    const Item& item = level.items[level.next++];
    path_.resize(level.path_len);
    if (path_.empty() || path_.back() != '/') path_ += '/';
    const std::size_t name_at = path_.size();
    path_.append(level.names, item.name_at, item.name_len);
    current_name_ = level.names.data() + item.name_at;
    stat_failed_ = false;
    have_stat_ = item.stat_at >= 0;
    if (have_stat_) st_ = level.stats[static_cast<std::size_t>(item.stat_at)];
    FileType type;
    if (!classify(level, item, type)) continue;
    entry_.path = path_;
    entry_.name = std::string_view(path_).substr(name_at);
    entry_.depth = static_cast<int>(depth_);
    entry_.type = type;
    entry_.relative_from = relative_from;
    descend_ = type == FileType::directory;
    return &entry_;
  }
  return nullptr;
}

}  // namespace libpipe
