#include "libpipe/open_cat.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "libpipe/decompress.hpp"
#include "libpipe/error.hpp"
#include "libpipe/line_reader.hpp"
#include "libpipe/signals.hpp"
#include "open_cat_detail.hpp"

namespace libpipe {

namespace {
constexpr std::size_t name_block = std::size_t{64} << 10;
}  // namespace

FileNameReader::FileNameReader(ByteSource& source, char separator)
    : source_(source), separator_(separator) {}

bool FileNameReader::next(std::string& name) {
  for (;;) {
    const char* base = buf_.data();
    if (const void* at = std::memchr(base + begin_, separator_, buf_.size() - begin_)) {
      std::size_t end = static_cast<std::size_t>(static_cast<const char*>(at) - base);
      name.assign(base + begin_, end - begin_);
      begin_ = end + 1;
      if (name.empty()) continue;
      return true;
    }
    if (eof_) {
      // A last name without its separator still counts, unless a signal cut it short.
      if (begin_ == buf_.size() || stop_requested()) return false;
      name.assign(base + begin_, buf_.size() - begin_);
      begin_ = buf_.size();
      return true;
    }
    buf_.erase(0, begin_);
    begin_ = 0;
    std::size_t kept = buf_.size();
    buf_.resize(kept + name_block);
    std::size_t got = source_.read(buf_.data() + kept, name_block);
    buf_.resize(kept + got);
    if (got == 0) eof_ = true;
  }
}

std::string filename_label(const std::string& path) {
  return path == "-" ? "(standard input)" : path;
}

void cat_lines(ByteSource& decoded, Output& out, std::string_view prefix) {
  LineReader lines(decoded);
  if (prefix.empty()) {
    std::string_view run;
    while (lines.next_lines(run)) out.write(run);
    return;
  }
  std::string_view line;
  while (lines.next(line)) {
    out.write(prefix);
    out.write(line);
    out.put('\n');
  }
}

namespace detail {

unsigned decoding_threads() {
  // Beyond 16 threads the blocks in flight cost more memory than the speed is worth.
  return std::clamp(std::thread::hardware_concurrency(), 1u, 16u);
}

std::string line_prefix(const OpenCatOptions& opt, const std::string& path) {
  return opt.with_filename ? filename_label(path) + '\t' : std::string();
}

// What is wrong with an input is reported after the lines before the damage have left, so
// a reader of both streams sees them in order.
void cat_one(const std::string& path, const OpenCatOptions& opt, Output& out, Diagnostics& diag) {
  try {
    auto raw = open_input(path, &out);
    // A file never makes us wait: bzip2 may decode its blocks on every core. A pipe is
    // decoded as it arrives, by this thread.
    unsigned threads = raw->is_regular_file() ? decoding_threads() : 1;
    auto in = open_decoded(std::move(raw), nullptr, threads);
    cat_lines(*in, out, line_prefix(opt, path));
  } catch (const Error& e) {
    if (out.failed()) throw;  // the output broke while flushing before a wait: fatal
    out.flush();
    diag.error(e);
  }
}

void for_each_input(const OpenCatOptions& opt, Output& out,
                    const std::function<bool(const std::string&)>& visit) {
  if (!opt.files.empty()) {
    for (const auto& path : opt.files) {
      if (stop_requested() || !visit(path)) return;
    }
    return;
  }
  FdSource stdin_names(STDIN_FILENO, "standard input", false, &out);
  FileNameReader names(stdin_names, opt.null_separated ? '\0' : '\n');
  std::string name;
  while (!stop_requested() && names.next(name)) {
    // Standard input holds the names: a name "-" is a file called "-".
    if (name == "-") name = "./-";
    if (!visit(name)) return;
  }
}

}  // namespace detail

void open_cat(const OpenCatOptions& opt, Output& out, Diagnostics& diag) {
  if (opt.jobs > 1) {
    detail::open_cat_jobs(opt, out, diag);
    return;
  }
  detail::for_each_input(opt, out, [&](const std::string& path) {
    detail::cat_one(path, opt, out, diag);
    return true;
  });
}

}  // namespace libpipe
