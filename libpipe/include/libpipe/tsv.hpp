#pragma once
// Tab-separated values as apachelog --tsv and gquery --tsv write them: one escaping rule,
// so a value can never break a row or a column and both tools' output reads back alike.
#include <string>
#include <string_view>

namespace libpipe {

// Appends s to out with tab, newline, carriage return and backslash escaped as \t \n \r \\.
inline void append_tsv_escaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += "\\\\"; break;
      default: out += c;
    }
  }
}

}  // namespace libpipe
