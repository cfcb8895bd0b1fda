#pragma once
// ggrep's work: read inputs in large blocks of whole lines, let the Matcher (matcher.hpp)
// find the matching lines in each block, and print them as grep does — with file names,
// line numbers, only the matching parts, counts or colours when asked.
//
//   libpipe::GrepOptions opt;
//   opt.matcher.patterns = {"ply-.*\\.gz"};
//   opt.files = {"access-log"};
//   int status = libpipe::run_grep(opt, out, diag);   // 0 a line selected, 1 none, 2 error

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libpipe/matcher.hpp"

namespace libpipe {

class Output;
class Diagnostics;

struct GrepOptions {
  MatcherOptions matcher;
  std::vector<std::string> files;  // none: standard input; "-" is standard input
  bool invert = false;             // -v: select the lines that do not match
  bool count = false;              // -c: print how many lines were selected
  bool only_matching = false;      // -o: print each match on its own line
  bool line_number = false;        // -n
  bool quiet = false;              // -q: print nothing, stop at the first selected line
  bool no_messages = false;        // -s: no messages about files that cannot be read
  std::optional<std::uint64_t> max_count;  // -m: stop reading a file after this many
  enum class FileNames { automatic, always, never } file_names = FileNames::automatic;
  bool color = false;              // highlight matches, file names, line numbers (as GNU grep)
  std::string field;               // not empty: the input is records; match this field
};

// Searches every input and prints what is selected. Returns grep's exit status: 0 when a
// line was selected, 1 when none was, 2 after an error (a file that could not be read, a
// line that is not a record with --field) — but 0 with `quiet` once a line was selected.
int run_grep(const GrepOptions& options, Output& out, Diagnostics& diag);

}  // namespace libpipe
