#pragma once
// Reads JSON Lines records fast: simdjson's on-demand parser runs over each line in place
// (no copy), and the fields a tool needs are compiled once into a FieldSet and found in
// one pass over each record, nested paths included. Nothing is allocated per record:
// strings are views into the parser's buffer, valid until the next record.
//
//   libpipe::FieldSet fields;
//   auto status = fields.add(libpipe::FieldPath::parse("status"));
//   auto agent  = fields.add(libpipe::FieldPath::parse("http.agent"));
//   libpipe::RecordReader records(lines, fields);
//   while (auto r = records.next(); r != libpipe::RecordReader::end) {
//     if (r == libpipe::RecordReader::malformed) { ++bad; continue; }
//     const libpipe::JsonValue& v = records.value(status); …
//   }

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "libpipe/line_reader.hpp"

namespace libpipe {

// A field name or a nested path `a.b.c`, parsed once. A part in backquotes may hold
// any character but a backquote: `user.agent`.version is two parts.
class FieldPath {
 public:
  // Throws Error("field path 'x'", reason) when the text is not a path.
  static FieldPath parse(std::string_view text);
  explicit FieldPath(std::vector<std::string> parts);

  const std::vector<std::string>& parts() const noexcept { return parts_; }
  // The path as the user would write it.
  std::string text() const;
  bool operator==(const FieldPath&) const = default;

 private:
  std::vector<std::string> parts_;
};

// One value of a record. Views point into the parser and live until the next record.
struct JsonValue {
  enum class Kind : std::uint8_t { missing, null, boolean, integer, real, string, object, array };
  Kind kind = Kind::missing;
  bool boolean = false;
  std::int64_t integer = 0;  // kind integer
  double real = 0;           // kind real; also integers beyond 64 bits (text holds them exactly)
  // string: the decoded text; number: as written; object and array: the raw JSON.
  std::string_view text;

  bool is_missing() const noexcept { return kind == Kind::missing; }
  bool is_null_or_missing() const noexcept { return kind == Kind::missing || kind == Kind::null; }
  bool is_number() const noexcept { return kind == Kind::integer || kind == Kind::real; }
};

// The set of paths a tool looks up; each add() returns the slot of that path's value.
class FieldSet {
 public:
  FieldSet();
  ~FieldSet();
  FieldSet(FieldSet&&) noexcept;
  FieldSet& operator=(FieldSet&&) noexcept;

  // Adding the same path twice gives the same slot.
  std::size_t add(const FieldPath& path);
  std::size_t size() const noexcept { return paths_.size(); }
  const FieldPath& path(std::size_t slot) const { return paths_[slot]; }

  struct Node {
    std::string name;
    int slot = -1;               // this node's own value, when a path ends here
    std::vector<int> children;   // indexes into nodes
  };
  const std::vector<Node>& nodes() const noexcept { return nodes_; }

 private:
  std::vector<FieldPath> paths_;
  std::vector<Node> nodes_;  // nodes_[0] is the record itself
};

class RecordReader {
 public:
  enum Status { ok, malformed, end };

  RecordReader(LineReader& lines, const FieldSet& fields);
  ~RecordReader();
  RecordReader(const RecordReader&) = delete;
  RecordReader& operator=(const RecordReader&) = delete;

  // Reads the next record and looks up every field of the set. Blank lines are skipped.
  // A line that is not one valid JSON object gives `malformed` (see error()).
  Status next();

  // The text of the last record read, without its newline.
  std::string_view line() const noexcept { return line_; }
  // The number of that line in the input (blank lines count); lines are taken from the line
  // reader in runs (LineReader::next_lines), so its own count of lines stays 0.
  std::uint64_t line_number() const noexcept { return line_number_; }
  const JsonValue& value(std::size_t slot) const noexcept { return values_[slot]; }
  // Why the last line was malformed.
  const std::string& error() const noexcept { return error_; }

 private:
  struct Impl;
  LineReader& lines_;
  const FieldSet& fields_;
  std::vector<JsonValue> values_;
  std::string_view line_;
  std::uint64_t line_number_ = 0;
  std::string error_;
  std::unique_ptr<Impl> impl_;
};

// Parses one JSON text on its own (for values that are not in a LineReader's buffer).
// Looks up the fields of the set into values; false (with a reason) when malformed.
bool parse_record(std::string_view json, const FieldSet& fields, std::vector<JsonValue>& values,
                  std::string& error);

}  // namespace libpipe
