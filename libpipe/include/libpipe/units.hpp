#pragma once
// The quantities users type on command lines: sizes (`10M`, `1G`, `512k`) and
// durations (`90s`, `2h`, `3d`, `0.5`). Both throw Error naming the text on bad input.
//
//   libpipe::parse_size("1G")        // 1073741824
//   libpipe::parse_duration("2h")    // 7200.0 seconds

#include <cstdint>
#include <string_view>

namespace libpipe {

// A byte count: digits with an optional suffix k, M, G, T (powers of 1024, either case,
// an optional trailing B or iB), or c for bytes.
std::uint64_t parse_size(std::string_view text);

// Seconds: a number (decimals allowed) with an optional suffix s, m, h, d, w.
double parse_duration(std::string_view text);

}  // namespace libpipe
