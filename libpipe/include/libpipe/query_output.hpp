#pragma once
// The rows of a query's answer, written in the form the user asked for.
//
//   RowWriter w(Format::csv, out, {{"host", false}, {"count(*)", false}}, /*header=*/true);
//   w.row(values, record_text);   // record_text: the record, for SELECT *
//   w.end_answer();               // the end of one answer (--every prints several)
//
// JSON Lines (default): one object per row, keys named by AS or by the expression as
// written; `*` splices the record's own fields. Text (-t): values joined by one space,
// strings bare, NULL empty, like Python's print(a, b). TSV (\t \n \r \\ escaped) and CSV
// (RFC 4180 quoting, LF line ends as Miller writes) with a header line. Table: aligned columns, numbers to the right;
// it needs the whole answer before it can print.

#include <string>
#include <string_view>
#include <vector>

#include "libpipe/output.hpp"
#include "libpipe/query_value.hpp"

namespace libpipe::query {

enum class Format : std::uint8_t { json, text, tsv, csv, table };

struct Column {
  std::string name;
  bool star = false;  // SELECT *: the whole record
};

class RowWriter {
 public:
  // Throws Error when the format cannot show the columns (SELECT * as CSV).
  RowWriter(Format format, Output& out, std::vector<Column> columns, bool header);

  // values has one entry per column (the entry of a star column is ignored).
  void row(const Value* values, std::string_view record);
  // Ends one answer: a table is printed now.
  void end_answer();

 private:
  void write_table();

  Format format_;
  Output& out_;
  std::vector<Column> columns_;
  bool header_;
  bool header_done_ = false;
  bool any_table_ = false;
  std::string line_;
  std::vector<std::string> keys_;                 // "name": of each column, made once
  std::vector<std::vector<std::string>> table_;  // cells of the answer being built
  std::vector<bool> numeric_;                     // per column: only numbers (or NULL) so far
};

}  // namespace libpipe::query
