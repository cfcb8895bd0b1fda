// gfind: find files by name (the tutorial's gen_find, Path.rglob with find's filters).
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "libpipe/error.hpp"
#include "libpipe/find.hpp"
#include "libpipe/output.hpp"
#include "libpipe/tool.hpp"
#include "libpipe/units.hpp"

namespace {

struct Options {
  std::string pattern = "*";
  std::vector<std::string> dirs;
  std::vector<std::string> types;
  std::vector<std::string> sizes;
  std::string newer;
  std::string changed_within;
  std::string sort = "name";
  bool print0 = false;
  bool json = false;
};

timespec latest(const std::optional<timespec>& a, const timespec& b) {
  if (!a) return b;
  return (a->tv_sec > b.tv_sec || (a->tv_sec == b.tv_sec && a->tv_nsec > b.tv_nsec)) ? *a : b;
}

// The modification time entries must be newer than, from --newer and --changed-within.
std::optional<timespec> modified_after(const Options& opt) {
  std::optional<timespec> after;
  if (!opt.newer.empty()) {
    struct stat st;
    if (::stat(opt.newer.c_str(), &st) != 0) throw libpipe::system_error(opt.newer, errno);
    after = st.st_mtim;
  }
  if (!opt.changed_within.empty()) {
    const double seconds = libpipe::parse_duration(opt.changed_within);
    timespec now;
    ::clock_gettime(CLOCK_REALTIME, &now);
    const double whole = std::floor(seconds);
    timespec t{now.tv_sec - static_cast<time_t>(whole), now.tv_nsec - static_cast<long>((seconds - whole) * 1e9)};
    if (t.tv_nsec < 0) {
      t.tv_nsec += 1000000000L;
      --t.tv_sec;
    }
    // "Within the last 2h" includes an entry modified exactly 2h ago.
    if (t.tv_nsec == 0) {
      --t.tv_sec;
      t.tv_nsec = 999999999L;
    } else {
      --t.tv_nsec;
    }
    after = latest(after, t);
  }
  return after;
}

}  // namespace

int main(int argc, char** argv) {
  return libpipe::run_tool("gfind", [&](libpipe::Diagnostics& diag) {
    Options opt;
    libpipe::FindOptions find;
    auto app = libpipe::make_app(
        "gfind",
        "Walk each DIR (default .) and print the paths whose name matches the glob PATTERN\n"
        "(default *), one per line, like Path(DIR).rglob(PATTERN): depth-first, each directory\n"
        "sorted by name, hidden files included.");
    app->add_option("PATTERN", opt.pattern,
                    "Glob: * ? [abc] [!x] (default *); with a '/', matched against the path below DIR")
        ->type_name("");
    app->add_option("DIR", opt.dirs, "Directories to walk (default .)")->type_name("");
    app->add_flag("--regex", find.regex, "PATTERN is an RE2 regular expression, searched in the name\n(in the path below DIR if it has a /)");
    app->add_flag("-p,--full-path", find.full_path,
                  "Match PATTERN against the whole path as printed; in a glob, ** crosses directories");
    app->add_option("-E,--exclude", find.excludes,
                    "Skip entries whose name matches GLOB, and do not enter such directories (repeatable)")
        ->type_name("GLOB")
        ->allow_extra_args(false);
    app->add_option("-t,--type", opt.types,
                    "Only entries of this type: f file, d directory, l symlink, p fifo, s socket,\n"
                    "b block device, c char device (repeatable, or comma-separated)")
        ->type_name("TYPE")
        ->delimiter(',')
        ->allow_extra_args(false);
    app->add_option("--max-depth", find.max_depth, "Descend at most N levels below DIR (1: its entries only)")
        ->type_name("N")
        ->check(CLI::Range(0, 1000000).description(""));
    app->add_option("--min-depth", find.min_depth, "Print nothing less than N levels below DIR")
        ->type_name("N")
        ->check(CLI::Range(0, 1000000).description(""));
    app->add_option("-S,--size", opt.sizes,
                    "Regular files of at least (+10M), at most (-1k) or exactly (4096) this size;\n"
                    "k M G T are powers of 1024 (repeatable: all must hold)")
        ->type_name("SIZE")
        ->allow_extra_args(false);
    app->add_option("--newer", opt.newer, "Only entries modified more recently than FILE")->type_name("FILE");
    app->add_option("--changed-within", opt.changed_within,
                    "Only entries modified within this long before now: 90s, 30m, 2h, 3d, 1w")
        ->type_name("DURATION");
    app->add_option("--sort", opt.sort,
                    "Order of each directory's entries: name (default), mtime (oldest first), none\n"
                    "(as the file system lists them: fastest)")
        ->type_name("ORDER")
        ->check(CLI::IsMember({"name", "mtime", "none"}).description(""));
    app->add_flag("-L,--follow", find.follow_symlinks,
                  "Follow symbolic links (loops are detected and reported); a broken link is listed as l");
    app->add_flag("-0,--print0", opt.print0, "End each path with a NUL byte instead of a newline");
    app->add_flag("--json", opt.json, "Print JSON records: path, type, size, mtime (UTC, ISO 8601)");
    libpipe::parse_command_line(*app, argc, argv);

    if (opt.json && opt.print0) throw libpipe::Error("--json and --print0 cannot be used together");
    find.pattern = opt.pattern;
    for (const std::string& t : opt.types) find.types.push_back(libpipe::parse_file_type(t));
    for (const std::string& s : opt.sizes) find.sizes.push_back(libpipe::parse_size_filter(s));
    find.modified_after = modified_after(opt);
    find.order = opt.sort == "mtime" ? libpipe::WalkOrder::mtime
                 : opt.sort == "none" ? libpipe::WalkOrder::none
                                      : libpipe::WalkOrder::name;
    find.format = opt.json ? libpipe::FindFormat::json
                  : opt.print0 ? libpipe::FindFormat::nul
                               : libpipe::FindFormat::lines;
    if (opt.dirs.empty()) opt.dirs.push_back(".");

    libpipe::Output out(STDOUT_FILENO);
    return libpipe::find_files(find, opt.dirs, out, diag);
  });
}
