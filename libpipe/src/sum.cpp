#include "libpipe/sum.hpp"

#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "libpipe/byte_mask.hpp"
#include "libpipe/byte_source.hpp"
#include "libpipe/error.hpp"
#include "libpipe/json_reader.hpp"
#include "libpipe/line_reader.hpp"
#include "libpipe/output.hpp"
#include "libpipe/tool.hpp"

namespace libpipe {

namespace {

bool is_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }
bool is_digit(char c) noexcept { return static_cast<unsigned char>(c - '0') < 10; }

// gsum's common case: the last column of [begin, end) (a line) as a plain integer of up to
// 18 digits, read backwards from the end with nothing else looked at. False when the line
// needs the general path (blanks at its end, a sign, a decimal point, '-', not a number).
bool last_column_integer(const char* begin, const char* end, std::uint64_t& value) noexcept {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (end - begin >= 8) {
    // The line's last 8 bytes at once: which are digits, and the value of the digits after
    // the last non-digit, without a branch per digit.
    std::uint64_t w;
    std::memcpy(&w, end - 8, 8);
    const std::uint64_t t = w ^ 0x3030303030303030;  // a digit byte becomes 0 to 9
    const std::uint64_t non_digit = (((t & 0x7f7f7f7f7f7f7f7f) + 0x7676767676767676) | t) & 0x8080808080808080;
    if (non_digit != 0) {
      const int k = (63 - __builtin_clzll(non_digit)) >> 3;  // the last non-digit byte
      if (k == 7 || !is_blank(static_cast<char>(w >> (8 * k)))) return false;
      // Digits in bytes k+1..7, the first one most significant; zeros before them.
      std::uint64_t d = t & (~std::uint64_t{0} << (8 * (k + 1)));
      d = (d * 10 + (d >> 8)) & 0x00ff00ff00ff00ff;
      d = (d * 100 + (d >> 16)) & 0x0000ffff0000ffff;
      d = (d * 10000 + (d >> 32)) & 0xffffffff;
      value = d;
      return true;
    }
  }
#endif
  const char* e = end;
  while (e > begin && is_blank(e[-1])) --e;
  const char* q = e;
  std::uint64_t v = 0, weight = 1;
  for (int digits = 0; q > begin && is_digit(q[-1]) && digits < 18; ++digits) {
    v += static_cast<std::uint64_t>(q[-1] - '0') * weight;
    weight *= 10;
    --q;
  }
  if (q < e && (q == begin || is_blank(q[-1]))) {
    value = v;
    return true;
  }
  return false;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

bool is_blank_line(std::string_view line) noexcept {
  for (char c : line) {
    if (!is_blank(c)) return false;
  }
  return true;
}

// Beyond this, an exact integer part could overflow 128 bits on the next addition.
constexpr int128 exact_limit = int128{1} << 126;

Number from_integer(std::int64_t v) noexcept {
  Number n;
  n.negative = v < 0;
  n.integer = n.negative ? uint128{0} - static_cast<uint128>(static_cast<int128>(v)) : static_cast<uint128>(v);
  n.approx = static_cast<double>(v);
  return n;
}

}  // namespace

void Summary::add(const Number& n) {
  if (count_++ == 0) {
    min_ = max_ = n;
  } else {
    if (compare(n, min_) < 0) min_ = n;
    if (compare(n, max_) > 0) max_ = n;
  }
  if (n.exact) {
    auto integer = static_cast<int128>(n.integer);  // below 10^38 < 2^127
    auto fraction = static_cast<int128>(n.fraction);
    if (n.negative) {
      integer = -integer;
      fraction = -fraction;
    }
    int128 sum = int_sum_ + integer;
    if (sum < exact_limit && sum > -exact_limit) {
      int_sum_ = sum;
      frac_sum_ += fraction;  // each below 2^60: 2^66 of them fit
      if (n.scale > scale_) scale_ = n.scale;
      return;
    }
  }
  // Neumaier's variant of Kahan summation: the low-order bits lost by each addition are
  // kept in a compensation term, whichever of the two operands is larger.
  double x = n.approx;
  double t = inexact_sum_ + x;
  if (std::fabs(inexact_sum_) >= std::fabs(x)) {
    inexact_comp_ += (inexact_sum_ - t) + x;
  } else {
    inexact_comp_ += (x - t) + inexact_sum_;
  }
  inexact_sum_ = t;
  has_inexact_ = true;
}

bool Summary::overflowed() const noexcept { return has_inexact_ && !std::isfinite(inexact_sum_); }

Number Summary::sum() const {
  const auto unit = static_cast<int128>(fraction_unit);
  int128 integer = int_sum_ + frac_sum_ / unit;
  int128 fraction = frac_sum_ % unit;  // the sign of frac_sum_
  if (integer > 0 && fraction < 0) {
    integer -= 1;
    fraction += unit;
  } else if (integer < 0 && fraction > 0) {
    integer += 1;
    fraction -= unit;
  }
  Number r;
  r.negative = integer < 0 || (integer == 0 && fraction < 0);
  r.integer = static_cast<uint128>(integer < 0 ? -integer : integer);
  r.fraction = static_cast<std::uint64_t>(fraction < 0 ? -fraction : fraction);
  r.scale = scale_;
  long double exact = static_cast<long double>(r.integer) + static_cast<long double>(r.fraction) / 1e18L;
  r.approx = static_cast<double>(r.negative ? -exact : exact);
  if (has_inexact_ && !std::isfinite(inexact_sum_)) {
    // The total left the range of a double: infinity, not the compensation's NaN.
    r.exact = false;
    r.approx = inexact_sum_;
  } else if (has_inexact_) {
    r.exact = false;
    // One more compensated step adds the exact part to the inexact ones.
    double s = inexact_sum_, c = inexact_comp_, x = r.approx;
    double t = s + x;
    c += std::fabs(s) >= std::fabs(x) ? (s - t) + x : (x - t) + s;
    r.approx = t + c;
  }
  return r;
}

std::optional<Number> Summary::min() const {
  std::optional<Number> r;
  if (count_ > 0) r = min_;
  if (int_count_ > 0) {
    Number n = from_integer(int_min_);
    if (!r || compare(n, *r) < 0) r = n;
  }
  return r;
}

std::optional<Number> Summary::max() const {
  std::optional<Number> r;
  if (count_ > 0) r = max_;
  if (int_count_ > 0) {
    Number n = from_integer(int_max_);
    if (!r || compare(n, *r) > 0) r = n;
  }
  return r;
}

void Summary::append_min(std::string& out) const {
  if (auto m = min()) {
    append_number(out, *m);
  } else {
    out += '-';
  }
}

void Summary::append_max(std::string& out) const {
  if (auto m = max()) {
    append_number(out, *m);
  } else {
    out += '-';
  }
}

void Summary::append_mean(std::string& out) const {
  if (count() == 0) {
    out += '-';
    return;
  }
  Number s = sum();
  long double total = s.approx;
  if (s.exact) {
    total = static_cast<long double>(s.integer) + static_cast<long double>(s.fraction) / 1e18L;
    if (s.negative) total = -total;
  }
  append_plain_double(out, static_cast<double>(total / static_cast<long double>(count())));
}

bool find_column(std::string_view line, const ColumnSpec& spec, std::string_view& value) noexcept {
  const std::size_t size = line.size();
  if (!spec.delimiter) {
    if (spec.column < 0) {
      std::size_t e = size;
      for (int k = -1;; --k) {
        while (e > 0 && is_blank(line[e - 1])) --e;
        if (e == 0) return false;
        std::size_t b = e;
        while (b > 0 && !is_blank(line[b - 1])) --b;
        if (k == spec.column) {
          value = line.substr(b, e - b);
          return true;
        }
        e = b;
      }
    }
    std::size_t b = 0;
    for (int k = 1;; ++k) {
      while (b < size && is_blank(line[b])) ++b;
      if (b == size) return false;
      std::size_t e = b;
      while (e < size && !is_blank(line[e])) ++e;
      if (k == spec.column) {
        value = line.substr(b, e - b);
        return true;
      }
      b = e;
    }
  }
  const char d = *spec.delimiter;
  const char* base = line.data();
  if (spec.column > 0) {
    std::size_t b = 0;
    for (int k = 1; k < spec.column; ++k) {
      auto* p = static_cast<const char*>(std::memchr(base + b, d, size - b));
      if (p == nullptr) return false;
      b = static_cast<std::size_t>(p - base) + 1;
    }
    auto* p = static_cast<const char*>(std::memchr(base + b, d, size - b));
    std::size_t e = p ? static_cast<std::size_t>(p - base) : size;
    value = trim(line.substr(b, e - b));
    return true;
  }
  std::size_t e = size;
  for (int k = -1; k > spec.column; --k) {
    auto* p = static_cast<const char*>(::memrchr(base, d, e));
    if (p == nullptr) return false;
    e = static_cast<std::size_t>(p - base);
  }
  auto* p = static_cast<const char*>(::memrchr(base, d, e));
  std::size_t b = p ? static_cast<std::size_t>(p - base) + 1 : 0;
  value = trim(line.substr(b, e - b));
  return true;
}

namespace {

// The value, quoted for a one-line message: at most 40 bytes, control bytes escaped.
std::string quoted(std::string_view v) {
  std::string s = "'";
  std::size_t n = 0;
  for (char c : v) {
    if (++n > 40) {
      s += "...";
      break;
    }
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      s += fmt::format("\\x{:02x}", u);
    } else {
      s += c;
    }
  }
  return s + "'";
}

// Values that were not numbers: how many, and where the first one was.
struct Skipped {
  std::uint64_t count = 0;
  std::string first;
  void note(const std::string& input, std::uint64_t line, std::string_view what) {
    if (count++ == 0) first = fmt::format("{}: line {}: {}", input, line, what);
  }
};

class Totaller {
 public:
  Totaller(const SumOptions& opt, Output& out) : opt_(opt), out_(out) {}

  void lines(LineReader& lines, const std::string& input) {
    // The default (the last column, no --running) takes a fast path: a plain integer is
    // read backwards from the end of the line, with no search for the column's start.
    const bool fast = !opt_.column.delimiter && opt_.column.column == -1 && !opt_.running;
    std::string_view block;
    std::uint64_t number = 0;
    while (read_input([&] { return lines.next_lines(block); })) {
      // Every newline of the block, 64 bytes at a time (LineReader's padding makes the bytes
      // past the block's end readable), rather than a memchr call per line.
      const char* base = block.data();
      const std::size_t size = block.size();
      const char* line_begin = base;
      for (std::size_t at = 0; at < size; at += 64) {
        std::uint64_t m = byte_mask64(base + at, '\n') & low_bits(size - at);
        while (m != 0) {
          const char* nl = base + at + next_bit(m);
          ++number;
          std::uint64_t v;
          if (fast && last_column_integer(line_begin, nl, v)) {
            sum_.add(static_cast<std::int64_t>(v));
          } else {
            take(std::string_view(line_begin, static_cast<std::size_t>(nl - line_begin)), input, number);
            if (opt_.running) print_running();
          }
          line_begin = nl + 1;
        }
      }
    }
  }

  void records(LineReader& lines, const FieldSet& fields, std::size_t slot, const std::string& input) {
    RecordReader records(lines, fields);
    for (;;) {
      const RecordReader::Status status = read_input([&] { return records.next(); });
      if (status == RecordReader::end) break;
      ++records_;
      if (status == RecordReader::malformed) {
        skipped_.note(input, records.line_number(), "not a JSON record (" + records.error() + ")");
      } else {
        take_value(records.value(slot), input, records.line_number());
      }
      if (opt_.running) print_running();
    }
  }

  // The summary of skipped values, and whether there was one.
  void report(Diagnostics& diag) const {
    if (skipped_.count > 0) {
      std::string msg = skipped_.count == 1
                            ? skipped_.first + " (skipped)"
                            : fmt::format("{} values skipped; the first: {}", skipped_.count, skipped_.first);
      if (opt_.strict) {
        diag.error(msg);
      } else {
        diag.note(msg);
      }
    }
    if (sum_.overflowed()) {
      diag.error("the total is beyond the range of a double (about 1.8e308), and printed as inf");
    }
    if (!opt_.field.empty() && records_ > 0 && missing_ == records_) {
      diag.note(fmt::format("no record has a field '{}'", opt_.field));
    }
  }

  void print_totals() {
    if (opt_.running) return;  // the last running total was the total
    std::string text;
    if (opt_.stats) {
      text += "sum ";
      sum_.append_sum(text);
      text += fmt::format("\ncount {}\nmin ", sum_.count());
      sum_.append_min(text);
      text += "\nmax ";
      sum_.append_max(text);
      text += "\nmean ";
      sum_.append_mean(text);
      text += '\n';
    } else {
      bool others = opt_.count || opt_.min || opt_.max || opt_.mean;
      auto sep = [&] {
        if (!text.empty()) text += ' ';
      };
      if (opt_.sum || !others) sum_.append_sum(text);
      if (opt_.count) {
        sep();
        text += fmt::format("{}", sum_.count());
      }
      if (opt_.min) {
        sep();
        sum_.append_min(text);
      }
      if (opt_.max) {
        sep();
        sum_.append_max(text);
      }
      if (opt_.mean) {
        sep();
        sum_.append_mean(text);
      }
      text += '\n';
    }
    out_.write(text);
  }

 private:
  void take(std::string_view line, const std::string& input, std::uint64_t number) {
    if (is_blank_line(line)) return;
    std::string_view v;
    if (!find_column(line, opt_.column, v)) {
      skipped_.note(input, number, fmt::format("no column {}", opt_.column.column));
      return;
    }
    take_text(v, input, number);
  }

  void take_text(std::string_view v, const std::string& input, std::uint64_t number) {
    if (v == "-") return;  // the log's "no bytes", as in the tutorial
    Number n;
    if (!parse_number(v, n)) {
      skipped_.note(input, number, quoted(v) + " is not a number");
      return;
    }
    // 1e999, or 400 digits: no double holds it, and as infinity it would poison the total.
    if (!std::isfinite(n.approx)) {
      skipped_.note(input, number, quoted(v) + " is out of range");
      return;
    }
    if (n.exact && n.scale == 0 && n.integer <= INT64_MAX) {
      auto i = static_cast<std::int64_t>(n.integer);
      sum_.add(n.negative ? -i : i);
    } else {
      sum_.add(n);
    }
  }

  void take_value(const JsonValue& v, const std::string& input, std::uint64_t number) {
    using K = JsonValue::Kind;
    switch (v.kind) {
      case K::missing:
      case K::null:
        ++missing_;  // as SQL's sum() skips NULL
        return;
      case K::integer:
        sum_.add(v.integer);
        return;
      case K::real:
      case K::string:
        take_text(v.text, input, number);
        return;
      case K::boolean:
        skipped_.note(input, number, fmt::format("{} is not a number", v.boolean ? "true" : "false"));
        return;
      case K::object:
      case K::array:
        skipped_.note(input, number, quoted(v.text) + " is not a number");
        return;
    }
  }

  void print_running() {
    running_text_.clear();
    sum_.append_sum(running_text_);
    running_text_ += '\n';
    out_.write(running_text_);
  }

  const SumOptions& opt_;
  Output& out_;
  Summary sum_;
  Skipped skipped_;
  std::uint64_t records_ = 0, missing_ = 0;
  std::string running_text_;
};

}  // namespace

int run_gsum(const SumOptions& opt, Output& out, Diagnostics& diag) {
  FieldSet fields;
  std::size_t slot = 0;
  if (!opt.field.empty()) slot = fields.add(FieldPath::parse(opt.field));
  Totaller totaller(opt, out);
  std::vector<std::string> files = opt.files;
  if (files.empty()) files.emplace_back("-");
  for (const auto& file : files) {
    std::unique_ptr<FdSource> source;
    try {
      source = open_input(file, &out);
    } catch (const Error& e) {  // the run goes on with the next file
      diag.error(e);
      continue;
    }
    try {
      // Read, not mapped, as ggrep: a mapping costs a page-table entry per 4 KB (1 GB log on
      // the bench machine: gsum 0.92 s mapped, 5.3x cat).
      LineReader lines(*source, LineReader::default_block, LineReader::Lend::copy);
      if (opt.field.empty()) {
        totaller.lines(lines, source->name());
      } else {
        totaller.records(lines, fields, slot, source->name());
      }
    } catch (const InputFailed& f) {
      diag.error(f.error);
    }
  }
  totaller.print_totals();
  out.flush();
  totaller.report(diag);
  return diag.exit_status();
}

}  // namespace libpipe
