#pragma once
// gopen-cat's work: the tutorial's gen_open + gen_cat. Opens each input, whatever its
// compression (decompress.hpp), and writes its lines one file after the other.
//
//   libpipe::OpenCatOptions opt;              // no files: their names come from stdin
//   libpipe::Output out(STDOUT_FILENO);
//   libpipe::open_cat(opt, out, diag);        // gfind 'access-log*' www | gopen-cat
//
// A bad input (missing, unreadable, corrupt or truncated) is reported to the Diagnostics
// as `FILE: what is wrong` after every complete line decoded before the damage has been
// written, and the run goes on with the next input.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "libpipe/byte_source.hpp"
#include "libpipe/output.hpp"
#include "libpipe/tool.hpp"

namespace libpipe {

struct OpenCatOptions {
  // The inputs; "-" is data on standard input. Empty: names are read from standard input.
  std::vector<std::string> files;
  // Names on standard input are separated by NUL bytes (find -print0, gfind -0).
  bool null_separated = false;
  // Each line is prefixed with its file name and a tab (grep -H).
  bool with_filename = false;
  // Inputs decoded at once, each by its own thread; output keeps the inputs' order.
  unsigned jobs = 1;
};

// File names, one per line or NUL-separated, as gfind and find print them. Empty names
// are skipped; a name is taken byte for byte (no quoting, a CR stays part of it).
class FileNameReader {
 public:
  FileNameReader(ByteSource& source, char separator);
  // The next name; false at the end of the input.
  bool next(std::string& name);

 private:
  ByteSource& source_;
  char separator_;
  std::string buf_;        // [begin_, size) not yet handed out
  std::size_t begin_ = 0;
  bool eof_ = false;
};

// The prefix -H puts before the lines of `path`: "(standard input)" for "-", as grep.
std::string filename_label(const std::string& path);

// Writes every line of `decoded` to out, a missing final newline supplied, each line after
// `prefix` ("FILE\t" for -H; empty: none). A damaged input throws its Error once every
// complete line before the damage is written; an unfinished line before it is not.
void cat_lines(ByteSource& decoded, Output& out, std::string_view prefix = {});

// Opens, decodes and writes each input in turn (or opt.jobs at a time). Bad inputs are
// reported to diag and skipped. Throws DownstreamClosed or an output Error.
void open_cat(const OpenCatOptions& opt, Output& out, Diagnostics& diag);

}  // namespace libpipe
