#pragma once
// Writes JSON Lines records that are valid whatever the input bytes: invalid UTF-8
// becomes U+FFFD, control characters are escaped, integers are exact, and a double that
// is not finite (which JSON cannot hold) becomes null.
//
//   std::string rec;                      // reused for every record: no allocation per line
//   libpipe::RecordWriter w(rec);
//   w.begin();
//   w.string("host", "10.0.0.1");
//   w.integer("status", 404);
//   w.end();                              // appends "}\n"
//   out.write(rec);

#include <cstdint>
#include <string>
#include <string_view>

namespace libpipe {

// Appends s as a quoted JSON string.
void append_json_string(std::string& out, std::string_view s);
// Appends the bytes of s as they would appear inside a JSON string (no quotes).
void append_json_escaped(std::string& out, std::string_view s);
void append_json_integer(std::string& out, std::int64_t v);
void append_json_unsigned(std::string& out, std::uint64_t v);
// Shortest text that reads back as the same double; null for NaN and infinities.
void append_json_number(std::string& out, double v);

// One JSON object, field by field, appended to a string the caller owns.
class RecordWriter {
 public:
  explicit RecordWriter(std::string& out) : out_(out) {}

  // Clears the string and opens the object.
  void begin() {
    out_.clear();
    out_ += '{';
    first_ = true;
  }
  // Closes the object and appends the newline of JSON Lines.
  void end() { out_ += "}\n"; }

  void string(std::string_view key, std::string_view value) {
    this->key(key);
    append_json_string(out_, value);
  }
  void integer(std::string_view key, std::int64_t value) {
    this->key(key);
    append_json_integer(out_, value);
  }
  void number(std::string_view key, double value) {
    this->key(key);
    append_json_number(out_, value);
  }
  void boolean(std::string_view key, bool value) {
    this->key(key);
    out_ += value ? "true" : "false";
  }
  void null(std::string_view key) {
    this->key(key);
    out_ += "null";
  }
  // A value that is already valid JSON text (a number as read, a nested object …).
  void raw(std::string_view key, std::string_view json) {
    this->key(key);
    out_ += json;
  }
  // Starts a field; the caller appends its value to text().
  void key(std::string_view key) {
    if (!first_) out_ += ',';
    first_ = false;
    append_json_string(out_, key);
    out_ += ':';
  }

  std::string& text() noexcept { return out_; }

 private:
  std::string& out_;
  bool first_ = true;
};

}  // namespace libpipe
