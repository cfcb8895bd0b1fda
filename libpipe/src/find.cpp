#include "libpipe/find.hpp"

#include <re2/re2.h>

#include <chrono>

#include "libpipe/calendar.hpp"
#include "libpipe/error.hpp"
#include "libpipe/glob.hpp"
#include "libpipe/json_writer.hpp"
#include "libpipe/output.hpp"
#include "libpipe/signals.hpp"
#include "libpipe/tool.hpp"
#include "libpipe/units.hpp"

namespace libpipe {

bool SizeFilter::accepts(std::uint64_t size) const noexcept {
  switch (op) {
    case at_least: return size >= bytes;
    case at_most: return size <= bytes;
    case exactly: break;
  }
  return size == bytes;
}

SizeFilter parse_size_filter(std::string_view text) {
  SizeFilter f;
  std::string_view number = text;
  if (number.starts_with('+')) {
    f.op = SizeFilter::at_least;
    number.remove_prefix(1);
  } else if (number.starts_with('-')) {
    f.op = SizeFilter::at_most;
    number.remove_prefix(1);
  }
  if (number.empty()) throw Error("size '" + std::string(text) + "'", "expected a size like +10M, -1k or 4096");
  f.bytes = parse_size(number);
  return f;
}

FileType parse_file_type(std::string_view text) {
  static constexpr struct {
    std::string_view letter;
    FileType type;
  } names[] = {{"f", FileType::file},     {"d", FileType::directory}, {"l", FileType::symlink},
               {"p", FileType::fifo},     {"s", FileType::socket},    {"b", FileType::block},
               {"c", FileType::character}};
  for (const auto& n : names) {
    if (text == n.letter || text == file_type_name(n.type)) return n.type;
  }
  if (text == "dir") return FileType::directory;
  throw Error("type '" + std::string(text) + "'", "expected f, d, l, p, s, b or c");
}

// A pattern compiled once: a glob or a regular expression, applied to the name, the path
// below the root (a glob with a '/', as Path.rglob does), or the whole path as printed.
struct EntryFilter::Matcher {
  enum class Subject { name, relative, path } subject = Subject::name;
  std::optional<Glob> glob;
  std::unique_ptr<RE2> regex;

  Matcher(const std::string& pattern, bool is_regex, bool full_path) {
    if (is_regex) {
      RE2::Options o;
      o.set_log_errors(false);
      regex = std::make_unique<RE2>(pattern, o);
      if (!regex->ok()) throw Error("regular expression '" + pattern + "'", regex->error());
      // Names hold no '/': a regex that needs one is about the path below the root.
      subject = full_path                               ? Subject::path
                : pattern.find('/') != std::string::npos ? Subject::relative
                                                         : Subject::name;
    } else if (full_path) {
      glob.emplace(pattern, Glob::path);
      subject = Subject::path;
    } else if (pattern.starts_with('/')) {
      // `gfind /var/log` (a directory where the pattern goes) would silently find nothing.
      throw Error("pattern '" + pattern + "'",
                  "starts with '/', so it can never match a path below DIR (a directory to walk "
                  "comes after the pattern: gfind '*' " + pattern + "; or use --full-path)");
    } else if (pattern.find('/') != std::string::npos) {
      glob.emplace("**/" + pattern, Glob::path);
      subject = Subject::relative;
    } else {
      glob.emplace(pattern, Glob::name);
    }
  }

  bool matches(const WalkEntry& e) const {
    std::string_view text = subject == Subject::name       ? e.name
                            : subject == Subject::relative ? e.relative()
                                                           : e.path;
    if (e.depth == 0 && subject != Subject::path) text = base_name(e.path);
    if (glob) return glob->matches(text);
    return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *regex);
  }

  // A root given as a file is matched by its last component, as find -name does.
  static std::string_view base_name(std::string_view path) {
    while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    const auto slash = path.rfind('/');
    return slash == std::string_view::npos || path.size() == 1 ? path : path.substr(slash + 1);
  }
};

EntryFilter::EntryFilter(const FindOptions& opt) : opt_(opt) {
  pattern_ = std::make_unique<Matcher>(opt.pattern, opt.regex, opt.full_path);
  for (const std::string& x : opt.excludes) excludes_.push_back(std::make_unique<Matcher>(x, false, false));
  for (FileType t : opt.types) type_mask_ |= 1u << static_cast<int>(t);
  needs_stat_ = !opt.sizes.empty() || opt.modified_after.has_value() || opt.format == FindFormat::json;
}

EntryFilter::~EntryFilter() = default;

bool EntryFilter::excluded(const WalkEntry& e) const {
  for (const auto& x : excludes_) {
    if (x->matches(e)) return true;
  }
  return false;
}

bool EntryFilter::name_matches(const WalkEntry& e) const { return pattern_->matches(e); }

bool EntryFilter::stat_matches(const WalkEntry& e, const struct stat* st) const {
  if (!opt_.sizes.empty()) {
    // Sizes are about the data of regular files (as in fd); a directory has no size to ask about.
    if (e.type != FileType::file || st == nullptr) return false;
    for (const SizeFilter& f : opt_.sizes) {
      if (!f.accepts(static_cast<std::uint64_t>(st->st_size))) return false;
    }
  }
  if (opt_.modified_after) {
    if (st == nullptr) return false;
    const timespec& t = st->st_mtim;
    const timespec& after = *opt_.modified_after;
    if (t.tv_sec < after.tv_sec || (t.tv_sec == after.tv_sec && t.tv_nsec <= after.tv_nsec)) return false;
  }
  return true;
}

void append_find_record(std::string& out, const WalkEntry& e, const struct stat& st) {
  RecordWriter w(out);
  w.begin();
  w.string("path", e.path);
  w.string("type", file_type_name(e.type));
  w.integer("size", static_cast<std::int64_t>(st.st_size));
  const std::int64_t secs = st.st_mtim.tv_sec;
  std::int64_t days = secs / 86400, rest = secs % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  const CivilDate d = civil_from_days(days);
  char when[40];
  std::snprintf(when, sizeof when, "%04d-%02u-%02uT%02d:%02d:%02dZ", d.year, d.month, d.day,
                static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60));
  w.string("mtime", when);
  w.end();
}

namespace {

// Output streams as the walk goes: a slow directory (a network file system, a cold disk)
// must not hold back what was already found, so before each directory read the output is
// flushed when it has waited long enough. Fast walks still write in large blocks.
class LatencyFlusher {
 public:
  explicit LatencyFlusher(Output& out) : out_(out), last_(Clock::now()) {}
  void before_read() {
    if (out_.buffered() == 0) return;
    const auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(100)) return;
    out_.flush();
    last_ = now;
  }

 private:
  using Clock = std::chrono::steady_clock;
  Output& out_;
  Clock::time_point last_;
};

}  // namespace

int find_files(const FindOptions& opt, const std::vector<std::string>& roots, Output& out, Diagnostics& diag) {
  const EntryFilter filter(opt);
  LatencyFlusher flusher(out);
  std::string record;
  const char terminator = opt.format == FindFormat::nul ? '\0' : '\n';
  for (const std::string& root : roots) {
    WalkOptions wo;
    wo.follow_symlinks = opt.follow_symlinks;
    wo.order = opt.order;
    wo.on_error = [&diag](const Error& e) { diag.error(e); };
    wo.before_read = [&flusher] { flusher.before_read(); };
    Walker walker(root, std::move(wo));
    while (const WalkEntry* e = walker.next()) {
      if (stop_requested()) {
        out.flush();
        return diag.exit_status();
      }
      if (e->depth > 0 && filter.excluded(*e)) {
        walker.skip_children();
        continue;
      }
      if (opt.max_depth >= 0 && e->depth >= opt.max_depth) walker.skip_children();
      if (e->depth == 0 && e->type == FileType::directory) continue;
      if (e->depth < opt.min_depth || (opt.max_depth >= 0 && e->depth > opt.max_depth)) continue;
      if (!filter.type_matches(e->type) || !filter.name_matches(*e)) continue;
      const struct stat* st = nullptr;
      if (filter.needs_stat()) {
        st = walker.stat();
        if (st == nullptr) continue;  // vanished: reported by the walker
        if (!filter.stat_matches(*e, st)) continue;
      }
      if (opt.format == FindFormat::json) {
        append_find_record(record, *e, *st);
        out.write(record);
      } else {
        out.write(e->path);
        out.put(terminator);
      }
    }
  }
  out.flush();
  return diag.exit_status();
}

}  // namespace libpipe
