#include "libpipe/logsim.hpp"

#include <bzlib.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <thread>
#include <vector>

#include "libpipe/calendar.hpp"
#include "libpipe/error.hpp"
#include "libpipe/signals.hpp"

namespace libpipe {

namespace {

// xoshiro256** seeded by splitmix64: fast, and the same sequence on every machine.
class Random {
 public:
  explicit Random(std::uint64_t seed) {
    for (auto& s : s_) {
      seed += 0x9E3779B97F4A7C15ull;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      s = z ^ (z >> 31);
    }
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n).
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }
  bool chance(double p) { return uniform() < p; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// Picks an index with probability proportional to its weight (binary search of the CDF).
class WeightedPick {
 public:
  WeightedPick() = default;
  explicit WeightedPick(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights) cdf_.push_back(total += w);
    for (double& c : cdf_) c /= total;
  }
  std::size_t pick(Random& rng) const {
    auto it = std::upper_bound(cdf_.begin(), cdf_.end(), rng.uniform());
    return std::min(static_cast<std::size_t>(it - cdf_.begin()), cdf_.size() - 1);
  }

 private:
  std::vector<double> cdf_;
};

struct Page {
  std::string path;
  std::uint64_t bytes;  // size of the document
  double weight;
  int status = 200;     // 404 for pages that do not exist
};

// The site of the tutorial's author, roughly: the PLY pages and downloads, talks, a few
// big files, and a long tail of rarely read pages.
std::vector<Page> make_catalog(Random& rng) {
  std::vector<Page> pages = {
      {"/", 4447, 60},
      {"/index.html", 4447, 8},
      {"/ply/", 20160, 30},
      {"/ply/ply.html", 97238, 40},
      {"/ply/ply-2.3.tar.gz", 83564, 14},
      {"/ply/ply-2.2.tar.gz", 81278, 3},
      {"/ply/ply-2.1.tar.gz", 79214, 1.5},
      {"/ply/ply-1.8.tar.gz", 70310, 0.8},
      {"/ply/example.html", 2359, 6},
      {"/ply/bookplug.gif", 23903, 25},
      {"/ply/PLYTalk.pdf", 1144223, 2},
      {"/python/", 5823, 12},
      {"/generators/", 2891, 10},
      {"/generators/Generators.pdf", 1512342, 2},
      {"/generators/genfind.py", 419, 1},
      {"/coroutines/", 3112, 6},
      {"/coroutines/Coroutines.pdf", 1802241, 1},
      {"/software.html", 3163, 8},
      {"/papers.html", 8124, 4},
      {"/teaching.html", 2904, 3},
      {"/courses.html", 7718, 4},
      {"/about.html", 2514, 3},
      {"/contact.html", 1183, 2},
      {"/blog/", 15102, 9},
      {"/blog/index.rss", 31902, 8},
      {"/swig/", 6012, 3},
      {"/cgi-bin/wiki.pl", 9520, 3},
      {"/images/logo.png", 4710, 35},
      {"/images/dave.jpg", 18392, 6},
      {"/style.css", 2231, 40},
      {"/favicon.ico", 318, 30},
      {"/robots.txt", 68, 0},  // asked by crawlers only (see below)
      // a few multi-megabyte downloads
      {"/videos/pycon2008-generators.mov", 38203184, 0.12},
      {"/python/pycon2008-tutorial.zip", 12004381, 0.15},
      {"/papers/thesis.pdf", 3482211, 0.2},
      {"/ply/ply-2.3-all.tar.bz2", 2194850, 0.2},
      // pages that are not there: about 1.5% of requests
      {"/apple-touch-icon.png", 209, 2.5, 404},
      {"/ply/ply-2.4.tar.gz", 209, 1.2, 404},
      {"/ply/ply-1.9.tar.gz", 209, 0.5, 404},
      {"/wp-login.php", 209, 1.2, 404},
      {"/phpmyadmin/index.php", 209, 0.7, 404},
      {"/cgi-bin/awstats.pl", 209, 0.5, 404},
      {"/python/generators.html", 209, 0.5, 404},
      {"/ply/ply.htm", 209, 0.3, 404},
  };
  // The long tail: two thousand blog posts and notes, each read now and then.
  static constexpr std::string_view topics[] = {"python", "generators", "coroutines", "ply",
                                                "threads", "gil", "parsing", "unix"};
  for (int i = 1; i <= 2000; ++i) {
    Page p;
    p.path = "/blog/" + std::to_string(2005 + i % 4) + "/" +
             std::string(topics[rng.below(std::size(topics))]) + "-" + std::to_string(i) + ".html";
    p.bytes = 3000 + rng.below(60000);
    p.weight = 0.02;
    pages.push_back(std::move(p));
  }
  return pages;
}

struct Agent {
  std::string_view text;
  double weight;
  bool crawler;
};

constexpr Agent agents[] = {
    {"Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.8.1.12) Gecko/20080201 Firefox/2.0.0.12", 24, false},
    {"Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 5.1; .NET CLR 1.1.4322; .NET CLR 2.0.50727)", 18, false},
    {"Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)", 10, false},
    {"Mozilla/5.0 (Macintosh; U; Intel Mac OS X; en) AppleWebKit/523.12.2 (KHTML, like Gecko) Version/3.0.4 Safari/523.12.2", 9, false},
    {"Mozilla/5.0 (X11; U; Linux i686; en-US; rv:1.8.1.12) Gecko/20080207 Ubuntu/7.10 (gutsy) Firefox/2.0.0.12", 7, false},
    {"Mozilla/5.0 (Macintosh; U; Intel Mac OS X; en-US; rv:1.8.1.12) Gecko/20080201 Firefox/2.0.0.12", 6, false},
    {"Opera/9.25 (Windows NT 5.1; U; en)", 2, false},
    {"Wget/1.10.2", 2, false},
    {"Python-urllib/2.5", 1.5, false},
    {"curl/7.16.3 (powerpc-apple-darwin9.0) libcurl/7.16.3 OpenSSL/0.9.7l zlib/1.2.3", 1, false},
    {"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", 6, true},
    {"Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)", 4, true},
    {"msnbot/1.0 (+http://search.msn.com/msnbot.htm)", 3, true},
    {"Mozilla/5.0 (compatible; Ask Jeeves/Teoma; +http://about.ask.com/en/docs/about/webmasters.shtml)", 1, true},
    {"Baiduspider+(+http://www.baidu.com/search/spider.htm)", 1, true},
};

constexpr std::string_view external_referers[] = {
    "http://www.google.com/search?q=python+lex+yacc&ie=utf-8&oe=utf-8",
    "http://www.google.com/search?hl=en&q=python+generators+tutorial",
    "http://www.google.com/search?q=ply+parser&btnG=Search",
    "http://search.yahoo.com/search?p=python+parsing+tools",
    "http://www.python.org/",
    "http://wiki.python.org/moin/LanguageParsing",
    "http://reddit.com/r/programming/",
    "http://del.icio.us/popular/python",
    "http://www.dzone.com/links/generator_tricks_for_systems_programmers.html",
    "http://news.ycombinator.com/",
};

constexpr std::string_view users[] = {"guest", "dave", "alice", "bob"};

std::string make_host(Random& rng, std::size_t i) {
  if (i % 37 == 5) {  // some IPv6 clients
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "2001:db8:%x:%x::%x", static_cast<unsigned>(rng.below(0xffff)),
                          static_cast<unsigned>(rng.below(0xffff)), static_cast<unsigned>(rng.below(0xfff) + 1));
    return std::string(buf, static_cast<std::size_t>(n));
  }
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", static_cast<unsigned>(rng.below(220) + 4),
                        static_cast<unsigned>(rng.below(256)), static_cast<unsigned>(rng.below(256)),
                        static_cast<unsigned>(rng.below(254) + 1));
  return std::string(buf, static_cast<std::size_t>(n));
}

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_2(std::string& out, unsigned v) {
  out += static_cast<char>('0' + v / 10);
  out += static_cast<char>('0' + v % 10);
}

}  // namespace

struct LogSimulator::Impl {
  LogSimOptions opt;
  Random rng;
  std::vector<std::string> hosts;
  std::vector<unsigned> host_agent;  // each host keeps one browser
  WeightedPick host_pick;
  std::vector<Page> pages;
  WeightedPick page_pick;
  WeightedPick agent_pick;
  std::size_t robots = 0;  // index of /robots.txt in pages
  double now;
  std::int64_t stamp_second = INT64_MIN;
  std::string stamp;  // "[24/Feb/2008:00:08:59 -0600]" for stamp_second

  explicit Impl(const LogSimOptions& o) : opt(o), rng(o.seed), now(o.start_time) {
    // Zipf-like popularity: a few hosts make many requests, most make a handful.
    constexpr std::size_t nhosts = 20000;
    std::vector<double> hw(nhosts);
    std::vector<double> aw;
    for (const auto& a : agents) aw.push_back(a.weight);
    agent_pick = WeightedPick(aw);
    for (std::size_t i = 0; i < nhosts; ++i) {
      hosts.push_back(make_host(rng, i));
      hw[i] = 1.0 / std::pow(static_cast<double>(i + 1), 1.05);
      host_agent.push_back(static_cast<unsigned>(agent_pick.pick(rng)));
    }
    host_pick = WeightedPick(hw);
    pages = make_catalog(rng);
    while (pages[robots].path != "/robots.txt") ++robots;
    std::vector<double> pw;
    for (const auto& p : pages) pw.push_back(p.weight);
    page_pick = WeightedPick(pw);
  }

  void append_stamp(std::string& out) {
    auto sec = static_cast<std::int64_t>(std::floor(now));
    if (sec != stamp_second) {
      stamp_second = sec;
      std::int64_t local = sec + opt.utc_offset_minutes * 60;
      std::int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
      auto tod = static_cast<unsigned>(local - days * 86400);
      CivilDate d = civil_from_days(days);
      stamp.clear();
      stamp += '[';
      append_2(stamp, d.day);
      stamp += '/';
      stamp += month_abbrev(d.month);
      stamp += '/';
      append_uint(stamp, static_cast<std::uint64_t>(d.year));
      stamp += ':';
      append_2(stamp, tod / 3600);
      stamp += ':';
      append_2(stamp, tod / 60 % 60);
      stamp += ':';
      append_2(stamp, tod % 60);
      stamp += ' ';
      int off = opt.utc_offset_minutes;
      stamp += off < 0 ? '-' : '+';
      off = std::abs(off);
      append_2(stamp, static_cast<unsigned>(off / 60));
      append_2(stamp, static_cast<unsigned>(off % 60));
      stamp += ']';
    }
    out += stamp;
  }

  void append_good_line(std::string& out) {
    std::size_t h = host_pick.pick(rng);
    const Agent& agent = agents[host_agent[h]];
    const Page* page = &pages[page_pick.pick(rng)];
    if (agent.crawler && rng.chance(0.06)) page = &pages[robots];  // crawlers ask for robots.txt
    if (page->path == "/robots.txt" && !agent.crawler) page = &pages[0];

    std::string_view method = "GET";
    double m = rng.uniform();
    if (m < 0.01) method = "HEAD";
    else if (m < 0.015 && page->path == "/cgi-bin/wiki.pl") method = "POST";

    int status = page->status;
    std::uint64_t bytes = page->bytes;
    bool dash_bytes = false;
    if (status == 200) {
      double s = rng.uniform();
      if (s < 0.06) {
        status = 304;  // not modified: Apache logs '-' for the size
        dash_bytes = true;
      } else if (s < 0.062) {
        status = 500;
        bytes = 538;
      } else if (bytes > 1000000 && s < 0.25) {
        status = 206;  // a resumed download
        bytes = bytes / 2 + rng.below(bytes / 2);
      }
    }
    if (method == "HEAD" && status == 200) dash_bytes = true;

    out += hosts[h];
    out += " - ";
    if (page->path.starts_with("/cgi-bin/") && rng.chance(0.3)) out += users[rng.below(std::size(users))];
    else out += '-';
    out += ' ';
    append_stamp(out);
    out += " \"";
    out += method;
    out += ' ';
    out += page->path;
    out += rng.chance(0.9) ? " HTTP/1.1\" " : " HTTP/1.0\" ";
    append_uint(out, static_cast<std::uint64_t>(status));
    out += ' ';
    if (dash_bytes) out += '-';
    else append_uint(out, bytes);

    if (opt.format == LogFormat::combined) {
      out += " \"";
      double r = rng.uniform();
      if (agent.crawler || r < 0.45) {
        out += '-';
      } else if (r < 0.85) {
        out += "http://www.dabeaz.com";
        out += pages[page_pick.pick(rng)].path;
      } else {
        out += external_referers[rng.below(std::size(external_referers))];
      }
      out += "\" \"";
      out += agent.text;
      out += '"';
    }
    out += '\n';
  }

  void append_damaged_line(std::string& out) {
    switch (rng.below(4)) {
      case 0: {  // cut off mid-line, as a full disk or a crash leaves it
        std::string whole;
        append_good_line(whole);
        out.append(whole, 0, 5 + rng.below(std::min<std::uint64_t>(whole.size() - 6, 40)));
        break;
      }
      case 1:  // binary junk
        for (std::uint64_t i = 0, n = 8 + rng.below(60); i < n; ++i) {
          char c = static_cast<char>(rng.below(256));
          out += c == '\n' ? '\x01' : c;
        }
        break;
      case 2:
        out += "GET /index.html HTTP/1.0";
        break;
      default:
        out += "[error] [client 10.0.0.1] File does not exist: /var/www/favicon.ico";
        break;
    }
    out += '\n';
  }

  void append_line(std::string& out) {
    if (opt.malformed_rate > 0 && rng.chance(opt.malformed_rate)) append_damaged_line(out);
    else append_good_line(out);
    // Exponential gaps: requests arrive as a Poisson process.
    now += -std::log1p(-rng.uniform()) * opt.mean_interval;
  }
};

LogSimulator::LogSimulator(const LogSimOptions& options) : impl_(std::make_unique<Impl>(options)) {}
LogSimulator::~LogSimulator() = default;
LogSimulator::LogSimulator(LogSimulator&&) noexcept = default;
LogSimulator& LogSimulator::operator=(LogSimulator&&) noexcept = default;

void LogSimulator::append_line(std::string& out) { impl_->append_line(out); }
double LogSimulator::time() const noexcept { return impl_->now; }
void LogSimulator::set_time(double epoch_seconds) noexcept { impl_->now = epoch_seconds; }

// ---- the tree -------------------------------------------------------------------

namespace {

void make_dir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) throw system_error(dir, errno);
}

void write_plain(const std::string& path, const std::string& data) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw system_error(path, errno);
  bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok) throw system_error(path, errno);
}

void write_gzip(const std::string& path, const std::string& data) {
  gzFile f = gzopen(path.c_str(), "wb6");
  if (!f) throw system_error(path, errno ? errno : ENOMEM);
  bool ok = gzwrite(f, data.data(), static_cast<unsigned>(data.size())) == static_cast<int>(data.size());
  ok = gzclose(f) == Z_OK && ok;
  if (!ok) throw Error(path, "cannot write gzip data");
}

void write_bzip2(const std::string& path, const std::string& data) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw system_error(path, errno);
  int err = BZ_OK;
  BZFILE* bz = BZ2_bzWriteOpen(&err, f, 9, 0, 0);
  if (err == BZ_OK) BZ2_bzWrite(&err, bz, const_cast<char*>(data.data()), static_cast<int>(data.size()));
  int close_err = BZ_OK;
  BZ2_bzWriteClose(&close_err, bz, err != BZ_OK, nullptr, nullptr);
  bool ok = err == BZ_OK && close_err == BZ_OK;
  ok = std::fclose(f) == 0 && ok;
  if (!ok) throw Error(path, "cannot write bzip2 data");
}

void set_mtime(const std::string& path, double epoch) {
  timespec times[2];
  times[0].tv_sec = times[1].tv_sec = static_cast<time_t>(epoch);
  times[0].tv_nsec = times[1].tv_nsec = 0;
  if (::utimensat(AT_FDCWD, path.c_str(), times, 0) != 0) throw system_error(path, errno);
}

}  // namespace

void write_log_tree(const std::string& dir, const LogSimOptions& options, std::uint64_t lines_per_file) {
  struct File {
    const char* site;
    const char* name;
    void (*write)(const std::string&, const std::string&);
    int month;
  };
  static constexpr File files[] = {
      {"foo", "access-log-0108.gz", write_gzip, 1},  {"foo", "access-log-0208.gz", write_gzip, 2},
      {"foo", "access-log", write_plain, 3},         {"bar", "access-log-0108.bz2", write_bzip2, 1},
      {"bar", "access-log-0208.bz2", write_bzip2, 2}, {"bar", "access-log", write_plain, 3},
  };
  make_dir(dir);
  make_dir(dir + "/foo");
  make_dir(dir + "/bar");
  std::uint64_t n = 0;
  for (const File& f : files) {
    LogSimOptions o = options;
    o.seed = options.seed * 1000003 + ++n;
    // Local midnight on the 1st of the file's month, in the log's zone.
    o.start_time = static_cast<double>(days_from_civil(2008, static_cast<unsigned>(f.month), 1)) * 86400 -
                   options.utc_offset_minutes * 60.0;
    // Spread the lines over most of the month.
    o.mean_interval = lines_per_file > 0 ? 27.0 * 86400 / static_cast<double>(lines_per_file) : 1;
    LogSimulator sim(o);
    std::string data;
    double last = o.start_time;
    for (std::uint64_t i = 0; i < lines_per_file; ++i) {
      last = sim.time();
      sim.append_line(data);
    }
    std::string path = dir + "/" + f.site + "/" + f.name;
    f.write(path, data);
    set_mtime(path, last);
  }
}

// ---- real time ------------------------------------------------------------------

namespace {

int open_append(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (fd < 0) throw system_error(path, errno);
  return fd;
}

void write_fd(int fd, const std::string& path, const std::string& data) {
  const char* p = data.data();
  std::size_t n = data.size();
  while (n > 0) {
    ssize_t put = ::write(fd, p, n);
    if (put < 0) {
      if (errno == EINTR) continue;
      throw system_error(path, errno);
    }
    p += put;
    n -= static_cast<std::size_t>(put);
  }
}

void rename_or_throw(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) throw system_error(from, errno);
}

// FILE.(keep-1) -> FILE.keep, …, FILE.1 -> FILE.2: room for a new FILE.1.
void shift_rotated(const std::string& path, unsigned keep) {
  for (unsigned i = keep; i > 1; --i) {
    rename_or_throw(path + "." + std::to_string(i - 1), path + "." + std::to_string(i));
  }
}

double wall_clock() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

void run_realtime(const RealtimeOptions& o, LogSimulator& sim) {
  if (o.lines_per_second <= 0) throw Error("rate must be above 0 lines per second");
  int fd = open_append(o.path);
  int old_fd = -1;                  // the renamed file, still written to for late lines
  std::uint64_t late_left = 0;
  std::uint64_t since_rotation = 0;
  std::string line;
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t written = 0; o.total_lines == 0 || written < o.total_lines; ++written) {
    // Line k is due k/rate seconds after the start: the rate holds however long writes take.
    auto due = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                           std::chrono::duration<double>(static_cast<double>(written) / o.lines_per_second));
    while (!stop_requested() && std::chrono::steady_clock::now() < due) {
      std::this_thread::sleep_until(std::min(due, std::chrono::steady_clock::now() + std::chrono::milliseconds(50)));
    }
    if (stop_requested()) break;

    if (o.rotate_every > 0 && since_rotation == o.rotate_every) {
      since_rotation = 0;
      shift_rotated(o.path, o.keep);
      if (o.rotation == RealtimeOptions::Rotation::rename) {
        rename_or_throw(o.path, o.path + ".1");
        if (old_fd >= 0) ::close(old_fd);
        old_fd = fd;
        late_left = o.late_lines;
        fd = open_append(o.path);
      } else {
        // copytruncate: copy, then empty the file in place (lines in between are lost,
        // as with logrotate; none are written in between here).
        std::string copy_path = o.path + ".1";
        std::FILE* in = std::fopen(o.path.c_str(), "rb");
        if (!in) throw system_error(o.path, errno);
        std::string data;
        char buf[65536];
        while (std::size_t got = std::fread(buf, 1, sizeof buf, in)) data.append(buf, got);
        std::fclose(in);
        write_plain(copy_path, data);
        if (::ftruncate(fd, 0) != 0) throw system_error(o.path, errno);
      }
    }

    line.clear();
    sim.set_time(wall_clock());
    sim.append_line(line);
    if (late_left > 0) {
      write_fd(old_fd, o.path + ".1", line);
      if (--late_left == 0) {
        ::close(old_fd);
        old_fd = -1;
      }
    } else {
      write_fd(fd, o.path, line);
    }
    ++since_rotation;
  }
  if (old_fd >= 0) ::close(old_fd);
  ::close(fd);
}

}  // namespace libpipe
