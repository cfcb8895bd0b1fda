#include "libpipe/tsv.hpp"
#include "libpipe/query_output.hpp"

#include <algorithm>

#include "libpipe/error.hpp"
#include "libpipe/json_writer.hpp"

namespace libpipe::query {

namespace {

const char* format_name(Format f) {
  switch (f) {
    case Format::tsv: return "--tsv";
    case Format::csv: return "--csv";
    case Format::table: return "--table";
    default: return "";
  }
}

void append_csv(std::string& out, std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// A table cell: control characters would break the alignment, so they are escaped.
void append_cell(std::string& out, std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (u < 0x20 || u == 0x7f) {
      static const char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
}

std::size_t display_width(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string_view trim_record(std::string_view r) {
  while (!r.empty() && (r.front() == ' ' || r.front() == '\t')) r.remove_prefix(1);
  while (!r.empty() && (r.back() == ' ' || r.back() == '\t' || r.back() == '\r')) r.remove_suffix(1);
  return r;
}

}  // namespace

RowWriter::RowWriter(Format format, Output& out, std::vector<Column> columns, bool header)
    : format_(format), out_(out), columns_(std::move(columns)), header_(header), numeric_(columns_.size(), true) {
  for (const auto& c : columns_) {
    keys_.emplace_back();
    append_json_string(keys_.back(), c.name);
    keys_.back() += ':';
  }
  if (format_ == Format::tsv || format_ == Format::csv || format_ == Format::table) {
    for (const auto& c : columns_) {
      if (c.star) {
        throw Error(std::string("SELECT * has no fixed columns to show as ") + format_name(format_) +
                    ": name the fields, like SELECT host, status");
      }
    }
  }
}

void RowWriter::row(const Value* values, std::string_view record) {
  line_.clear();
  switch (format_) {
    case Format::json: {
      line_ += '{';
      bool first = true;
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        if (columns_[i].star) {
          // The record's own fields, as they were (already validated JSON).
          std::string_view r = trim_record(record);
          if (r.size() >= 2) r = trim_record(r.substr(1, r.size() - 2));
          if (!r.empty()) {
            if (!first) line_ += ',';
            line_ += r;
            first = false;
          }
          continue;
        }
        if (!first) line_ += ',';
        first = false;
        line_ += keys_[i];
        append_json_value(line_, values[i]);
      }
      line_ += "}\n";
      break;
    }
    case Format::text:
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        if (i) line_ += ' ';
        if (columns_[i].star) {
          line_ += trim_record(record);
        } else {
          append_text_value(line_, values[i]);
        }
      }
      line_ += '\n';
      break;
    case Format::tsv:
    case Format::csv: {
      char sep = format_ == Format::tsv ? '\t' : ',';
      if (header_ && !header_done_) {
        for (std::size_t i = 0; i < columns_.size(); ++i) {
          if (i) line_ += sep;
          if (format_ == Format::tsv) append_tsv_escaped(line_, columns_[i].name);
          else append_csv(line_, columns_[i].name);
        }
        line_ += '\n';
        header_done_ = true;
      }
      std::string cell;
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        if (i) line_ += sep;
        cell.clear();
        append_text_value(cell, values[i]);
        if (format_ == Format::tsv) append_tsv_escaped(line_, cell);
        else append_csv(line_, cell);
      }
      line_ += '\n';
      break;
    }
    case Format::table: {
      std::vector<std::string> cells(columns_.size());
      std::string text;
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        text.clear();
        append_text_value(text, values[i]);
        append_cell(cells[i], text);
        if (!values[i].is_number() && !values[i].is_null()) numeric_[i] = false;
      }
      table_.push_back(std::move(cells));
      return;
    }
  }
  out_.write(line_);
}

void RowWriter::end_answer() {
  if (format_ == Format::table) write_table();
}

void RowWriter::write_table() {
  std::vector<std::size_t> width(columns_.size(), 0);
  std::vector<std::string> names(columns_.size());
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    append_cell(names[i], columns_[i].name);
    width[i] = display_width(names[i]);
  }
  for (const auto& r : table_) {
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], display_width(r[i]));
  }
  std::string s;
  if (any_table_) s += '\n';  // answers printed by --every are separated by a blank line
  any_table_ = true;
  auto emit = [&](const std::vector<std::string>& cells, bool is_header) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      std::size_t pad = width[i] - display_width(cells[i]);
      bool right = numeric_[i] && !is_header;
      if (i) s += "  ";
      if (right) s.append(pad, ' ');
      s += cells[i];
      if (!right && i + 1 < cells.size()) s.append(pad, ' ');
    }
    s += '\n';
  };
  if (header_) {
    emit(names, true);
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (i) s += "  ";
      s.append(width[i], '-');
    }
    s += '\n';
  }
  for (const auto& r : table_) emit(r, false);
  table_.clear();
  std::fill(numeric_.begin(), numeric_.end(), true);
  out_.write(s);
}

}  // namespace libpipe::query
