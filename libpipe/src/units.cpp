#include "libpipe/units.hpp"

#include <charconv>
#include <cmath>
#include <string>

#include "libpipe/error.hpp"

namespace libpipe {

namespace {
Error bad(std::string_view what, std::string_view text, std::string_view why) {
  return Error(std::string(what) + " '" + std::string(text) + "'", std::string(why));
}
}  // namespace

std::uint64_t parse_size(std::string_view text) {
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec == std::errc::result_out_of_range) throw bad("size", text, "too large");
  if (ec != std::errc() || end == text.data()) throw bad("size", text, "expected a number, like 10M");
  std::string_view suffix(end, static_cast<std::size_t>(text.data() + text.size() - end));
  if (suffix.ends_with("iB")) suffix.remove_suffix(2);
  else if (suffix.size() > 1 && suffix.back() == 'B') suffix.remove_suffix(1);
  unsigned shift = 0;
  if (suffix.empty() || suffix == "c" || suffix == "B") shift = 0;
  else if (suffix == "k" || suffix == "K") shift = 10;
  else if (suffix == "m" || suffix == "M") shift = 20;
  else if (suffix == "g" || suffix == "G") shift = 30;
  else if (suffix == "t" || suffix == "T") shift = 40;
  else throw bad("size", text, "unknown unit (use k, M, G or T)");
  if (shift > 0 && n > (UINT64_MAX >> shift)) throw bad("size", text, "too large");
  return n << shift;
}

double parse_duration(std::string_view text) {
  std::string s(text);
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(s, &used);
  } catch (...) {
    throw bad("duration", text, "expected a number of seconds, or like 90s, 5m, 2h, 3d");
  }
  if (!std::isfinite(v) || v < 0) throw bad("duration", text, "must be a positive number");
  std::string_view unit = text.substr(used);
  if (unit.empty() || unit == "s") return v;
  if (unit == "m") return v * 60;
  if (unit == "h") return v * 3600;
  if (unit == "d") return v * 86400;
  if (unit == "w") return v * 604800;
  throw bad("duration", text, "unknown unit (use s, m, h, d or w)");
}

}  // namespace libpipe
