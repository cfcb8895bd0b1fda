// Any bytes as numbers and columns: parse_number must agree with itself (an exact value prints
// as text that parses back to the same value), stay close to the correctly rounded double,
// and find_column must return a part of its line. Every line also goes through a Summary.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "libpipe/number.hpp"
#include "libpipe/sum.hpp"

namespace {

void check_number(std::string_view text, libpipe::Summary& sum) {
  libpipe::Number n;
  if (!libpipe::parse_number(text, n)) return;
  std::string out;
  libpipe::append_number(out, n);
  if (out.empty() || out.find_first_of("eE") != std::string::npos) std::abort();  // never an exponent
  libpipe::Number back;
  if (n.exact) {
    if (!libpipe::parse_number(out, back) || !back.exact || libpipe::compare(n, back) != 0) std::abort();
    if (n.fraction >= libpipe::fraction_unit) std::abort();
    // The cheap double of an exact value is within a few ulps of the correctly rounded one.
    std::string_view digits = text;
    if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) digits.remove_prefix(1);
    double ref = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), ref);
    if (n.negative) ref = -ref;
    if (std::fabs(n.approx - ref) > 1e-9 * std::fmax(1.0, std::fabs(ref))) std::abort();
  } else if (!std::isinf(n.approx) && !std::isnan(n.approx)) {
    // The shortest text reads back as the same double.
    std::string_view digits = out;
    bool negative = !digits.empty() && digits[0] == '-';
    if (negative) digits.remove_prefix(1);
    double again = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), again);
    if ((negative ? -again : again) != n.approx) std::abort();
  }
  sum.add(n);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  libpipe::Summary sum;
  check_number(input, sum);
  for (std::size_t pos = 0; pos <= input.size();) {
    auto e = input.find('\n', pos);
    if (e == std::string_view::npos) e = input.size();
    std::string_view line = input.substr(pos, e - pos);
    for (int column : {-1, -2, 1, 3}) {
      for (int d : {-1, int{','}, int{'\t'}}) {
        libpipe::ColumnSpec spec;
        spec.column = column;
        if (d >= 0) spec.delimiter = static_cast<char>(d);
        std::string_view v;
        if (libpipe::find_column(line, spec, v)) {
          if (v.data() < line.data() || v.data() + v.size() > line.data() + line.size()) std::abort();
          check_number(v, sum);
        }
      }
    }
    pos = e + 1;
  }
  std::string out;
  sum.append_sum(out);
  sum.append_min(out);
  sum.append_max(out);
  sum.append_mean(out);
  if (out.find_first_of("eE") != std::string::npos) std::abort();
  return 0;
}
