#pragma once
// gsum's work: pick a column (or a record's field) out of each line, read it as a number,
// and keep the total, count, minimum, maximum and mean — exactly where numbers allow it.
//
//   libpipe::Summary s;
//   libpipe::Number n;
//   libpipe::parse_number("0.1", n); s.add(n);
//   libpipe::parse_number("0.2", n); s.add(n);
//   std::string text; s.append_sum(text);        // "0.3", not awk's 0.30000000000000004
//
// Exactness: integers (up to 38 digits) and decimals with up to 18 fraction digits are
// added without rounding, into a 128-bit integer part and a separate fraction; the total
// keeps as many fraction digits as the most precise value added (1 + 2.50 is 3.50). A value
// beyond that (more fraction digits, a bigger exponent) is added as a double, with Neumaier's
// compensated summation, and then the total is printed as the shortest decimal that reads
// back as the same double. Never with an exponent.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libpipe/number.hpp"

namespace libpipe {

class Output;
class Diagnostics;

class Summary {
 public:
  // The common case, kept cheap: a plain integer such as a byte count.
  void add(std::int64_t v) noexcept {
    ++int_count_;
    int_sum_ += v;
    if (v < int_min_) int_min_ = v;
    if (v > int_max_) int_max_ = v;
  }
  void add(const Number& n);

  std::uint64_t count() const noexcept { return int_count_ + count_; }
  // True when the total left the range of a double (each value was within it): the sum
  // is then infinite, printed "inf" or "-inf".
  bool overflowed() const noexcept;
  // The total (0 when nothing was added).
  Number sum() const;
  // The smallest and largest value, as written (scale kept); nullopt when nothing was added.
  std::optional<Number> min() const;
  std::optional<Number> max() const;

  void append_sum(std::string& out) const { append_number(out, sum()); }
  // "-" when nothing was added.
  void append_min(std::string& out) const;
  void append_max(std::string& out) const;
  // The mean as a double's shortest text; "-" when nothing was added.
  void append_mean(std::string& out) const;

 private:
  int128 int_sum_ = 0;    // integer parts, exact
  int128 frac_sum_ = 0;   // fraction parts in units of 10^-18, exact (carried when read)
  std::uint8_t scale_ = 0;
  double inexact_sum_ = 0, inexact_comp_ = 0;  // Neumaier's sum and compensation
  bool has_inexact_ = false;
  std::uint64_t int_count_ = 0, count_ = 0;
  std::int64_t int_min_ = INT64_MAX, int_max_ = INT64_MIN;
  Number min_, max_;  // of the values added through add(const Number&)
};

// Which part of a line holds the value.
struct ColumnSpec {
  // 1-based column, negative counts from the end: -1 (the default) is the last column.
  int column = -1;
  // Fields are separated by this byte; none: by runs of blanks (space, tab, CR, VT, FF),
  // with blanks at either end of the line ignored, like awk and Python's split().
  std::optional<char> delimiter;
};

// Finds the column of a line; blanks around it are trimmed. False when the line has no
// such column (a blank line has no column at all).
bool find_column(std::string_view line, const ColumnSpec& spec, std::string_view& value) noexcept;

struct SumOptions {
  std::vector<std::string> files;  // none: standard input; "-" is standard input
  ColumnSpec column;
  std::string field;  // not empty: the input is records, and this field path holds the value
  bool running = false;  // print the running total after each line
  bool strict = false;   // values that are not numbers are an error (exit 1)
  bool sum = false, count = false, min = false, max = false, mean = false;
  bool stats = false;    // all of them, one per line, labelled
};

// Reads every input and prints what the options ask for to out. Diagnostics: unreadable
// files (each an error, the run goes on), and one summary of the skipped values.
// Returns the exit status: 0, or 1 after an unreadable file or (with strict) a skipped value.
int run_gsum(const SumOptions& options, Output& out, Diagnostics& diag);

}  // namespace libpipe
