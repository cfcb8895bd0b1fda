#include "libpipe/json_reader.hpp"

#include <simdjson.h>

#include "libpipe/error.hpp"

namespace libpipe {

namespace od = simdjson::ondemand;

// ---- FieldPath -------------------------------------------------------------------

FieldPath::FieldPath(std::vector<std::string> parts) : parts_(std::move(parts)) {}

FieldPath FieldPath::parse(std::string_view text) {
  auto fail = [&](const char* why) {
    return Error("field path '" + std::string(text) + "'", why);
  };
  std::vector<std::string> parts;
  std::size_t i = 0;
  for (;;) {
    std::string part;
    if (i < text.size() && text[i] == '`') {
      std::size_t close = text.find('`', i + 1);
      if (close == std::string_view::npos) throw fail("unclosed backquote");
      part.assign(text.substr(i + 1, close - i - 1));
      i = close + 1;
      if (i < text.size() && text[i] != '.') throw fail("expected '.' after a backquoted name");
    } else {
      std::size_t dot = text.find('.', i);
      if (dot == std::string_view::npos) dot = text.size();
      part.assign(text.substr(i, dot - i));
      if (part.find('`') != std::string::npos) throw fail("a backquote may only open a name");
      i = dot;
    }
    if (part.empty()) throw fail("empty field name");
    parts.push_back(std::move(part));
    if (i >= text.size()) break;
    ++i;  // the dot
    if (i == text.size()) throw fail("empty field name after '.'");
  }
  return FieldPath(std::move(parts));
}

std::string FieldPath::text() const {
  std::string s;
  for (const auto& p : parts_) {
    if (!s.empty()) s += '.';
    if (p.find_first_of(".`") != std::string::npos || p.empty()) {
      s += '`' + p + '`';
    } else {
      s += p;
    }
  }
  return s;
}

// ---- FieldSet --------------------------------------------------------------------

FieldSet::FieldSet() : nodes_(1) {}
FieldSet::~FieldSet() = default;
FieldSet::FieldSet(FieldSet&&) noexcept = default;
FieldSet& FieldSet::operator=(FieldSet&&) noexcept = default;

std::size_t FieldSet::add(const FieldPath& path) {
  int node = 0;
  for (const auto& part : path.parts()) {
    int found = -1;
    for (int c : nodes_[node].children) {
      if (nodes_[c].name == part) found = c;
    }
    if (found < 0) {
      found = static_cast<int>(nodes_.size());
      nodes_.push_back(Node{part, -1, {}});
      nodes_[node].children.push_back(found);
    }
    node = found;
  }
  if (nodes_[node].slot < 0) {
    nodes_[node].slot = static_cast<int>(paths_.size());
    paths_.push_back(path);
  }
  return static_cast<std::size_t>(nodes_[node].slot);
}

// ---- reading ---------------------------------------------------------------------

namespace {

using Kind = JsonValue::Kind;

std::string_view trim_token(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' ||
                        s.back() == '\n' || s.back() == ',' || s.back() == '}' || s.back() == ']')) {
    s.remove_suffix(1);
  }
  return s;
}

// Objects wanted whole and also for their fields are parsed a second time from a copy;
// the copies live here until the next record, as the views into them must.
struct NestedCopies {
  struct Copy {
    simdjson::padded_string text;
    od::parser parser;
  };
  std::vector<std::unique_ptr<Copy>> copies;
  std::size_t used = 0;

  Copy& next() {
    if (used == copies.size()) copies.push_back(std::make_unique<Copy>());
    return *copies[used++];
  }
};

bool is_integer_text(std::string_view s) {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

class Extractor {
 public:
  Extractor(const FieldSet& fields, std::vector<JsonValue>& values, std::string& error,
            NestedCopies& copies)
      : nodes_(fields.nodes()), values_(values), error_(error), copies_(copies) {}

  // Walks one object, filling the slots of node's children. False on a JSON error.
  bool walk(od::object obj, int node) {
    for (auto field_result : obj) {
      od::field field;
      if (auto e = std::move(field_result).get(field)) return fail(e);
      const auto& kids = nodes_[node].children;
      if (kids.empty()) continue;  // the rest is only validated
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return fail(e);
      int match = -1;
      for (int c : kids) {
        if (nodes_[c].name == key) {
          match = c;
          break;
        }
      }
      if (match < 0) continue;
      if (!read_value(field.value(), match)) return false;
    }
    return true;
  }

 private:
  bool read_value(od::value value, int node) {
    const auto& n = nodes_[node];
    od::json_type type;
    if (auto e = value.type().get(type)) return fail(e);
    if (n.children.empty()) return n.slot < 0 || read_leaf(value, type, values_[n.slot]);
    if (type != od::json_type::object) {
      // A path goes deeper than the data: the nested fields are missing.
      return n.slot < 0 || read_leaf(value, type, values_[n.slot]);
    }
    od::object obj;
    if (auto e = value.get_object().get(obj)) return fail(e);
    if (n.slot < 0) return walk(obj, node);
    // Both `a` and `a.b` are wanted: keep a's raw text and read the children from it.
    std::string_view raw;
    if (auto e = obj.raw_json().get(raw)) return fail(e);
    JsonValue& v = values_[n.slot];
    v.kind = Kind::object;
    v.text = raw;
    return walk_copy(raw, node);
  }

  bool walk_copy(std::string_view raw, int node) {
    NestedCopies::Copy& nested = copies_.next();
    nested.text = simdjson::padded_string(raw);
    od::document doc;
    if (auto e = nested.parser.iterate(nested.text).get(doc)) return fail(e);
    od::object obj;
    if (auto e = doc.get_object().get(obj)) return fail(e);
    return walk(obj, node);
  }

  bool read_leaf(od::value value, od::json_type type, JsonValue& v) {
    switch (type) {
      case od::json_type::object: {
        od::object obj;
        if (auto e = value.get_object().get(obj)) return fail(e);
        v.kind = Kind::object;
        if (auto e = obj.raw_json().get(v.text)) return fail(e);
        return true;
      }
      case od::json_type::array: {
        od::array arr;
        if (auto e = value.get_array().get(arr)) return fail(e);
        v.kind = Kind::array;
        if (auto e = arr.raw_json().get(v.text)) return fail(e);
        return true;
      }
      case od::json_type::string:
        v.kind = Kind::string;
        if (auto e = value.get_string().get(v.text)) return fail(e);
        return true;
      case od::json_type::boolean:
        v.kind = Kind::boolean;
        if (auto e = value.get_bool().get(v.boolean)) return fail(e);
        return true;
      case od::json_type::null:
        v.kind = Kind::null;
        if (!value.is_null()) return fail(simdjson::INCORRECT_TYPE);
        return true;
      case od::json_type::number: {
        v.text = trim_token(value.raw_json_token());
        od::number_type nt{};
        bool typed = !value.get_number_type().get(nt);
        if (typed && nt == od::number_type::signed_integer && !value.get_int64().get(v.integer)) {
          v.kind = Kind::integer;
          return true;
        }
        v.kind = Kind::real;
        std::uint64_t u = 0;
        if (typed && nt == od::number_type::unsigned_integer && !value.get_uint64().get(u)) {
          v.real = static_cast<double>(u);
          return true;
        }
        if (!value.get_double().get(v.real)) return true;
        // Integers beyond 64 bits: keep the exact text, give an approximate double.
        if (!is_integer_text(v.text)) return fail(simdjson::NUMBER_ERROR);
        v.real = std::strtod(std::string(v.text).c_str(), nullptr);
        return true;
      }
    }
    return fail(simdjson::INCORRECT_TYPE);
  }

  bool fail(simdjson::error_code e) {
    error_ = simdjson::error_message(e);
    return false;
  }

  const std::vector<FieldSet::Node>& nodes_;
  std::vector<JsonValue>& values_;
  std::string& error_;
  NestedCopies& copies_;
};

bool is_blank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

bool parse_in_place(od::parser& parser, const char* data, std::size_t len, std::size_t capacity,
                    const FieldSet& fields, std::vector<JsonValue>& values, std::string& error,
                    NestedCopies& copies) {
  for (auto& v : values) v = JsonValue{};
  copies.used = 0;
  od::document doc;
  if (auto e = parser.iterate(data, len, capacity).get(doc)) {
    error = simdjson::error_message(e);
    return false;
  }
  od::object obj;
  if (auto e = doc.get_object().get(obj)) {
    error = e == simdjson::INCORRECT_TYPE ? "not a JSON object" : simdjson::error_message(e);
    return false;
  }
  Extractor extractor(fields, values, error, copies);
  if (!extractor.walk(obj, 0)) return false;
  // Whatever follows the object on the line makes it malformed.
  const char* rest = nullptr;
  if (!doc.current_location().get(rest)) {
    error = "trailing characters after the JSON object";
    return false;
  }
  return true;
}

}  // namespace

struct RecordReader::Impl {
  od::parser parser;
  NestedCopies copies;
};

RecordReader::RecordReader(LineReader& lines, const FieldSet& fields)
    : lines_(lines), fields_(fields), values_(fields.size()), impl_(std::make_unique<Impl>()) {}

RecordReader::~RecordReader() = default;

RecordReader::Status RecordReader::next() {
  do {
    if (!lines_.next(line_)) return end;
  } while (is_blank(line_));
  // The line reader keeps `padding` readable bytes after every line (line_reader.hpp).
  static_assert(LineReader::padding >= simdjson::SIMDJSON_PADDING);
  if (!parse_in_place(impl_->parser, line_.data(), line_.size(),
                      line_.size() + LineReader::padding, fields_, values_, error_, impl_->copies)) {
    return malformed;
  }
  return ok;
}

bool parse_record(std::string_view json, const FieldSet& fields, std::vector<JsonValue>& values,
                  std::string& error) {
  thread_local od::parser parser;
  thread_local simdjson::padded_string copy;
  thread_local NestedCopies copies;
  copy = simdjson::padded_string(json);
  values.resize(fields.size());
  return parse_in_place(parser, copy.data(), copy.size(), copy.size() + simdjson::SIMDJSON_PADDING,
                        fields, values, error, copies);
}

}  // namespace libpipe
