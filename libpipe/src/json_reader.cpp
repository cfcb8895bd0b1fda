#include "libpipe/json_reader.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>

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

// JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > from;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

bool is_integer_text(std::string_view s) {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The keys a FieldSet wants, compiled for comparing with keys as they are written in a
// record, before any unescaping: unescaping every key of every record (so as to compare it)
// was most of the time spent walking a record. A key is compared by its first 8 bytes
// (with the closing quote), then by the rest; only a key written with a backslash escape
// is unescaped, and only when no wanted key matched it as written.
class KeyMatcher {
 public:
  explicit KeyMatcher(const FieldSet& fields)
      : nodes_(fields.nodes()), probes_(nodes_.size()), first_bytes_(nodes_.size()) {
    for (std::size_t n = 0; n < nodes_.size(); ++n) {
      for (int c : nodes_[n].children) {
        Probe p = Probe::of(nodes_[static_cast<std::size_t>(c)].name, c);
        if (p.quoted.empty()) continue;
        const auto first = static_cast<unsigned char>(p.quoted[0]);
        first_bytes_[n][first >> 6] |= std::uint64_t{1} << (first & 63);
        probes_[n].push_back(std::move(p));
      }
    }
  }

  // The child of node that the key starting at raw (just after its opening quote) names,
  // or -1. word holds the key's first 8 bytes (read past its end: the input is padded).
  int match_as_written(int node, const char* raw, std::uint64_t word) const noexcept {
    // Most keys of a record are not wanted, and most of those differ from every wanted key
    // in their first byte: one look at a table passes them over.
    const auto first = static_cast<unsigned char>(word);
    if (!((first_bytes_[static_cast<std::size_t>(node)][first >> 6] >> (first & 63)) & 1)) return -1;
    for (const Probe& p : probes_[static_cast<std::size_t>(node)]) {
      if ((word & p.mask) != p.head) continue;
      if (p.quoted.size() <= 8 || tail_equal(raw, p.quoted)) return p.node;
    }
    return -1;
  }

  // The child of node named by an unescaped key, or -1.
  int match_unescaped(int node, std::string_view key) const noexcept {
    for (int c : nodes_[static_cast<std::size_t>(node)].children) {
      if (nodes_[static_cast<std::size_t>(c)].name == key) return c;
    }
    return -1;
  }

  const std::vector<FieldSet::Node>& nodes() const noexcept { return nodes_; }

 private:
  struct Probe {
    std::uint64_t head = 0;  // the first (up to) 8 bytes of `name"`, as written
    std::uint64_t mask = 0;
    std::string quoted;      // name + '"'; empty for a name that JSON must escape (no probe)
    int node = -1;

    static Probe of(const std::string& name, int node) {
      Probe p;
      p.node = node;
      for (char c : name) {
        if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return p;
      }
      p.quoted = name + '"';
      std::size_t n = std::min<std::size_t>(p.quoted.size(), 8);
      std::memcpy(&p.head, p.quoted.data(), n);
      p.mask = n == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * n)) - 1;
      return p;
    }
  };

  // Compares byte by byte, so it never reads past the key's closing quote: the name has
  // no quote, so a shorter key differs at its quote at the latest.
  static bool tail_equal(const char* raw, const std::string& quoted) noexcept {
    for (std::size_t i = 8; i < quoted.size(); ++i) {
      if (raw[i] != quoted[i]) return false;
    }
    return true;
  }

  const std::vector<FieldSet::Node>& nodes_;
  std::vector<std::vector<Probe>> probes_;  // per node, one per child
  std::vector<std::array<std::uint64_t, 4>> first_bytes_;  // per node, the first bytes of its probes
};

// True when the key starting at raw (just after its opening quote) has a backslash escape.
bool key_has_escape(const char* raw) noexcept {
  for (; *raw != '"'; ++raw) {
    if (*raw == '\\') return true;
  }
  return false;
}

// The common number, an integer of at most 18 digits as JSON writes it, read in one pass
// (simdjson would scan it twice: for its type, then for its value). Anything else is left
// to simdjson.
bool small_integer(std::string_view s, std::int64_t& out) noexcept {
  bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  if (s.empty() || s.size() > 18 || (s.front() == '0' && s.size() > 1)) return false;
  std::int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  out = negative ? -n : n;
  return true;
}

class Extractor {
 public:
  Extractor(const KeyMatcher& keys, std::vector<JsonValue>& values, std::string& error,
            NestedCopies& copies, std::string_view json)
      : keys_(keys), nodes_(keys.nodes()), values_(values), error_(error), copies_(copies) {
    text(json);
  }

  // Walks one object, filling the slots of node's children. False on a JSON error.
  // Every field is visited, wanted or not: the walk is what checks the record's syntax, and
  // when a key appears twice the last one counts, as in most JSON readers (jq included).
  bool walk(od::object obj, int node) {
    const bool wants_fields = !nodes_[static_cast<std::size_t>(node)].children.empty();
    for (auto field_result : obj) {
      od::field field;
      if (auto e = std::move(field_result).get(field)) return fail(e);
      if (!wants_fields) continue;  // the rest is only validated
      const char* raw = reinterpret_cast<const char*>(field.key().raw());
      std::uint64_t word;
      std::memcpy(&word, raw, sizeof word);
      int match = keys_.match_as_written(node, raw, word);
      if (match < 0) {
        if (!may_be_escaped(raw)) continue;
        std::string_view key;
        if (auto e = field.unescaped_key().get(key)) return fail(e);
        match = keys_.match_unescaped(node, key);
        if (match < 0) continue;
      }
      if (!read_value(field.value(), match)) return false;
    }
    return true;
  }

 private:
  // The text being walked: a key's escapes are looked for only up to its end.
  void text(std::string_view json) noexcept {
    end_ = json.data() + json.size();
    next_backslash_ = json.data();
  }

  // Whether the key at raw, which matched no wanted key as written, may match once unescaped.
  // Most records have no backslash at all: one memchr to the end of the text says so.
  bool may_be_escaped(const char* raw) noexcept {
    if (raw > next_backslash_) {
      auto* found = static_cast<const char*>(std::memchr(raw, '\\', static_cast<std::size_t>(end_ - raw)));
      next_backslash_ = found ? found : end_;
    }
    return next_backslash_ != end_ && key_has_escape(raw);
  }

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
    return well_formed_text(raw) && walk_copy(raw, node);
  }

  bool walk_copy(std::string_view raw, int node) {
    NestedCopies::Copy& nested = copies_.next();
    nested.text = simdjson::padded_string(raw);
    od::document doc;
    if (auto e = nested.parser.iterate(nested.text).get(doc)) return fail(e);
    od::object obj;
    if (auto e = doc.get_object().get(obj)) return fail(e);
    const char* end = end_;
    const char* next_backslash = next_backslash_;
    text(std::string_view(nested.text.data(), nested.text.size()));
    bool ok = walk(obj, node);
    end_ = end;
    next_backslash_ = next_backslash;
    return ok;
  }

  bool read_leaf(od::value value, od::json_type type, JsonValue& v) {
    switch (type) {
      case od::json_type::object: {
        od::object obj;
        if (auto e = value.get_object().get(obj)) return fail(e);
        v.kind = Kind::object;
        if (auto e = obj.raw_json().get(v.text)) return fail(e);
        return well_formed_text(v.text);
      }
      case od::json_type::array: {
        od::array arr;
        if (auto e = value.get_array().get(arr)) return fail(e);
        v.kind = Kind::array;
        if (auto e = arr.raw_json().get(v.text)) return fail(e);
        return well_formed_text(v.text);
      }
      case od::json_type::string:
        v.kind = Kind::string;
        if (auto e = value.get_string().get(v.text)) return fail(e);
        return true;
      case od::json_type::boolean:
        v.kind = Kind::boolean;
        if (auto e = value.get_bool().get(v.boolean)) return fail(e);
        return true;
      case od::json_type::null: {
        // is_null() gives an error for a broken literal like `nul`: test it, for the bool
        // conversion would throw, and the throw used to end gquery on one bad line.
        v.kind = Kind::null;
        bool is_null = false;
        if (auto e = value.is_null().get(is_null)) return fail(e);
        if (!is_null) return fail(simdjson::INCORRECT_TYPE);
        return true;
      }
      case od::json_type::number: {
        v.text = trim_token(value.raw_json_token());
        if (small_integer(v.text, v.integer)) {
          v.kind = Kind::integer;
          return true;
        }
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

  // An object or array handed out as text is printed as it is (SELECT a, where a is an
  // object), so all of it must be valid JSON: on-demand parsing skips what is not read
  // without checking it. Rare (only named fields that hold objects or arrays), so a copy
  // read again in full is cheap enough.
  bool well_formed_text(std::string_view raw) {
    NestedCopies::Copy& nested = copies_.next();
    nested.text = simdjson::padded_string(raw);
    od::document doc;
    if (auto e = nested.parser.iterate(nested.text).get(doc)) return fail(e);
    od::value root;
    if (auto e = doc.get_value().get(root)) return fail(e);
    if (!well_formed(root)) return false;
    const char* rest = nullptr;
    return doc.current_location().get(rest) != simdjson::SUCCESS || fail(simdjson::TAPE_ERROR);
  }

  bool well_formed(od::value value) {
    od::json_type type;
    if (auto e = value.type().get(type)) return fail(e);
    switch (type) {
      case od::json_type::object: {
        od::object obj;
        if (auto e = value.get_object().get(obj)) return fail(e);
        for (auto field_result : obj) {
          od::field field;
          if (auto e = std::move(field_result).get(field)) return fail(e);
          std::string_view key;
          if (auto e = field.unescaped_key().get(key)) return fail(e);
          if (!well_formed(field.value())) return false;
        }
        return true;
      }
      case od::json_type::array: {
        od::array arr;
        if (auto e = value.get_array().get(arr)) return fail(e);
        for (auto element : arr) {
          od::value item;
          if (auto e = element.get(item)) return fail(e);
          if (!well_formed(item)) return false;
        }
        return true;
      }
      case od::json_type::string: {
        std::string_view text;
        if (auto e = value.get_string().get(text)) return fail(e);
        return true;
      }
      case od::json_type::boolean: {
        bool b;
        if (auto e = value.get_bool().get(b)) return fail(e);
        return true;
      }
      case od::json_type::null: {
        bool null = false;
        if (auto e = value.is_null().get(null)) return fail(e);
        return null || fail(simdjson::INCORRECT_TYPE);
      }
      case od::json_type::number:
        // By JSON's grammar, not by whether it fits a double: integers beyond 64 bits are valid.
        return is_json_number(trim_token(value.raw_json_token())) || fail(simdjson::NUMBER_ERROR);
    }
    return fail(simdjson::INCORRECT_TYPE);
  }

  const KeyMatcher& keys_;
  const std::vector<FieldSet::Node>& nodes_;
  std::vector<JsonValue>& values_;
  std::string& error_;
  NestedCopies& copies_;
  const char* end_ = nullptr;
  const char* next_backslash_ = nullptr;  // the first backslash at or after where we are
};

// ---- the fast path -------------------------------------------------------------------
//
// Most records are flat objects whose wanted fields hold plain strings, small integers,
// booleans or null. For those, simdjson's stage 1 (which finds every structural character,
// and checks the UTF-8 and the strings) is followed by a walk over its index of structural
// characters written here: it checks the grammar of the whole record, strictly, and reads the
// wanted values straight from the line. Going through simdjson's on-demand iterator for
// every field of every record cost about a third of gquery's time.
//
// Whatever the walk is not sure of — an error of any kind, a backslash in a key or in a wanted
// string, a wanted number that is not a plain integer, a wanted object or array, a nested
// path, nesting deeper than max_depth — sends the record to the on-demand path above, which
// defines the behaviour (and the error message). The walk accepts only valid JSON, which
// the on-demand path accepts too, and reads the same values from it; the unit tests compare
// the two paths on many damaged records.
class FastWalk {
 public:
  enum Result { accepted, unsure };

  explicit FastWalk(const KeyMatcher& keys) : keys_(keys) {
    const auto& root = keys.nodes()[0].children;
    for (int c : root) {
      if (!keys.nodes()[static_cast<std::size_t>(c)].children.empty()) usable_ = false;  // nested paths
    }
    if (simdjson::get_active_implementation()->create_dom_parser_implementation(0, max_depth, stage1_)) {
      usable_ = false;
    }
  }

  // Fills values (reset first) from the record in data, which is followed by padding.
  Result walk(const char* data, std::size_t len, std::vector<JsonValue>& values) noexcept {
    if (!index(data, len)) return unsure;
    std::uint32_t i = 0;
    if (record(i, values) != accepted) return unsure;
    return i == count_ ? accepted : unsure;  // nothing may follow the object
  }

  // Runs stage 1 over data, one record or many lines of them. False when the walk cannot
  // be used or stage 1 finds an error anywhere in data (bad UTF-8, a control character or a
  // newline in a string, an unclosed string).
  bool index(const char* data, std::size_t len) noexcept {
    if (!usable_ || len > std::numeric_limits<std::uint32_t>::max() - 64) return false;
    if (len > stage1_->capacity() && stage1_->set_capacity(len)) return false;
    buf_ = data;
    end_ = data + len;
    backslash_from_ = next_backslash_ = data;
    if (stage1_->stage1(reinterpret_cast<const std::uint8_t*>(data), len, simdjson::stage1_mode::regular)) {
      return false;
    }
    index_ = stage1_->structural_indexes.get();
    count_ = stage1_->n_structural_indexes;
    return true;
  }

  // Walks the object starting at structural i of the index and fills values (reset first).
  // Accepted: i is just past the object's closing brace.
  Result record(std::uint32_t& i, std::vector<JsonValue>& values) noexcept {
    const char* data = buf_;
    for (auto& v : values) v = JsonValue{};
    if (at(i) != '{') return unsure;
    ++i;
    if (at(i) == '}') {
      ++i;
      return accepted;
    }
    for (;;) {
      // A key, its colon, a value and what follows it: the first three are read unchecked.
      if (i + 3 >= count_) return unsure;
      if (char_at(i) != '"' || char_at(i + 1) != ':') return unsure;
      const char* key = data + index_[i] + 1;
      const char* colon = data + index_[i + 1];
      i += 2;
      std::uint64_t word;
      std::memcpy(&word, key, sizeof word);
      int node = keys_.match_as_written(0, key, word);
      if (node >= 0) {
        if (!read(i, values[static_cast<std::size_t>(keys_.nodes()[static_cast<std::size_t>(node)].slot)])) {
          return unsure;
        }
      } else {
        // A key written with escapes may be a wanted one.
        if (has_backslash(key, colon)) return unsure;
        if (char_at(i) == '"') {  // most values passed over are strings
          if (!is_string(token(i))) return unsure;
          ++i;
        } else if (!skip(i)) {
          return unsure;
        }
      }
      char c = at(i);
      ++i;
      if (c == ',') continue;
      if (c == '}') return accepted;
      return unsure;
    }
  }

  // Where structural i is in the indexed data (the data's length past the last one).
  std::uint32_t offset(std::uint32_t i) const noexcept { return i < count_ ? index_[i] : index_[count_]; }
  std::uint32_t count() const noexcept { return count_; }

 private:
  static constexpr std::size_t max_depth = 64;

  // The structural character number i, or 0 past the last.
  char at(std::uint32_t i) const noexcept { return i < count_ ? buf_[index_[i]] : '\0'; }
  // The same, for an i known to be before the last.
  char char_at(std::uint32_t i) const noexcept { return buf_[index_[i]]; }

  static bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

  // The text from structural i to the next one, without the white space before it.
  std::string_view token(std::uint32_t i) const noexcept {
    const char* b = buf_ + index_[i];
    const char* e = buf_ + index_[i + 1];  // stage 1 ends its index with the length
    if (static_cast<unsigned char>(e[-1]) <= ' ') {  // white space is rare there
      while (e > b && is_space(e[-1])) --e;
    }
    return {b, static_cast<std::size_t>(e - b)};
  }

  // Whether [b, e) holds a backslash. b mostly moves forward, within a record and from one
  // record of a run of lines to the next; it moves back only when a broken record was walked
  // past its line and the next line is walked from its start.
  bool has_backslash(const char* b, const char* e) noexcept {
    if (b > next_backslash_ || b < backslash_from_) {
      auto* found = static_cast<const char*>(std::memchr(b, '\\', static_cast<std::size_t>(end_ - b)));
      next_backslash_ = found ? found : end_;
      backslash_from_ = b;
    }
    return next_backslash_ < e;
  }

  // A wanted value at structural i: read when plain, else unsure (false).
  bool read(std::uint32_t& i, JsonValue& v) noexcept {
    if (i >= count_) return false;
    std::string_view t = token(i);
    switch (t.front()) {
      case '"': {
        // Without a backslash, the text between the quotes is the string (is_string).
        if (!is_string(t)) return false;
        std::string_view text = t.substr(1, t.size() - 2);
        if (has_backslash(text.data(), text.data() + text.size())) return false;
        v.kind = Kind::string;
        v.text = text;
        break;
      }
      case 't':
        if (t != "true") return false;
        v.kind = Kind::boolean;
        v.boolean = true;
        break;
      case 'f':
        if (t != "false") return false;
        v.kind = Kind::boolean;
        v.boolean = false;
        break;
      case 'n':
        if (t != "null") return false;
        v.kind = Kind::null;
        break;
      default:
        if (!small_integer(t, v.integer)) return false;
        v.kind = Kind::integer;
        v.text = t;
        break;
    }
    ++i;
    return true;
  }

  // Checks the value at structural i, whatever it is, and moves past it.
  bool skip(std::uint32_t& i) noexcept {
    char closers[max_depth];
    std::size_t depth = 0;
    for (;;) {
      char c = at(i);
      if (c == '{' || c == '[') {
        if (depth == max_depth) return false;
        char close = c == '{' ? '}' : ']';
        ++i;
        if (at(i) == close) {
          ++i;
        } else {
          closers[depth++] = close;
          if (close == '}' && !member_key(i)) return false;
          continue;  // the first value inside
        }
      } else if (!scalar(i)) {
        return false;
      }
      // After a value: the closers of the containers it ends, then a comma or the end.
      for (;;) {
        if (depth == 0) return true;
        char s = at(i);
        if (s == closers[depth - 1]) {
          --depth;
          ++i;
          continue;
        }
        if (s != ',') return false;
        ++i;
        if (closers[depth - 1] == '}' && !member_key(i)) return false;
        break;
      }
    }
  }

  bool member_key(std::uint32_t& i) const noexcept {
    if (at(i) != '"' || at(i + 1) != ':' || !is_string(token(i))) return false;
    i += 2;
    return true;
  }

  // A string, number, true, false or null at structural i.
  bool scalar(std::uint32_t& i) const noexcept {
    if (i >= count_) return false;
    std::string_view t = token(i);
    bool ok = t.front() == '"' ? is_string(t) : t == "true" || t == "false" || t == "null" || is_number(t);
    ++i;
    return ok;
  }

  // Stage 1 has checked the string's characters, and that it is closed; a character right
  // after its closing quote would be a structural character of its own, so the token is the
  // string alone.
  static bool is_string(std::string_view t) noexcept { return t.size() >= 2 && t.back() == '"'; }

  // JSON's number grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  static bool is_number(std::string_view t) noexcept {
    std::size_t k = 0, n = t.size();
    auto digits = [&] {
      std::size_t from = k;
      while (k < n && t[k] >= '0' && t[k] <= '9') ++k;
      return k > from;
    };
    if (k < n && t[k] == '-') ++k;
    if (k < n && t[k] == '0') {
      ++k;
    } else if (!digits()) {
      return false;
    }
    if (k < n && t[k] == '.') {
      ++k;
      if (!digits()) return false;
    }
    if (k < n && (t[k] == 'e' || t[k] == 'E')) {
      ++k;
      if (k < n && (t[k] == '+' || t[k] == '-')) ++k;
      if (!digits()) return false;
    }
    return k == n;
  }

  const KeyMatcher& keys_;
  bool usable_ = true;
  std::unique_ptr<simdjson::internal::dom_parser_implementation> stage1_;
  const char* buf_ = nullptr;
  const char* end_ = nullptr;
  const char* backslash_from_ = nullptr;  // [backslash_from_, next_backslash_) has no backslash
  const char* next_backslash_ = nullptr;  // the first backslash at or after backslash_from_
  const std::uint32_t* index_ = nullptr;
  std::uint32_t count_ = 0;
};

bool is_blank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

bool parse_in_place(od::parser& parser, const char* data, std::size_t len, std::size_t capacity,
                    const KeyMatcher& keys, std::vector<JsonValue>& values, std::string& error,
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
  Extractor extractor(keys, values, error, copies, std::string_view(data, len));
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

// Lines are read in runs of many, and stage 1 indexes a whole run at once: per line, its
// fixed costs (a call through simdjson's dispatch, the copy of the last partial 64 bytes, the
// set-up of its state) were about as much as the scan itself for records of 200 bytes.
//
// When stage 1 finds no error in a run, no string of it holds a newline (a control character
// in a string is an error), so every line of the run begins outside a string, and the index
// of the run is the index of each of its lines, one after the other: the walk reads a record
// from it exactly as from the line's own index. A record is taken from the run's index only
// when the walk accepts it and all of it, and nothing else, lies on its line. Everything else
// — a run with an error anywhere, a record the walk is unsure of — goes through the reading of
// one line at a time, which is what defines the behaviour.
struct RecordReader::Impl {
  explicit Impl(const FieldSet& fields) : keys(fields), fast(keys), run(keys) {}
  od::parser parser;
  NestedCopies copies;
  KeyMatcher keys;
  FastWalk fast;  // one line at a time
  FastWalk run;   // a run of lines at once

  // About this many bytes of whole lines are indexed at once: the run and its index stay in
  // the cache while its records are walked.
  static constexpr std::size_t run_bytes = std::size_t{64} << 10;
  std::string_view block;        // whole lines from the line reader, not yet in a run
  const char* run_begin = nullptr;
  const char* pos = nullptr;     // the next line of the run
  const char* run_end = nullptr;  // the run ends with a newline just before this
  bool indexed = false;           // stage 1 found no error in the run
  std::uint32_t cursor = 0;       // the run's first structural at or after pos

  // The next run of lines; false at the end of input.
  bool next_run(LineReader& lines) {
    if (block.empty() && !lines.next_lines(block)) return false;
    std::size_t n = block.size();
    if (n > run_bytes) {
      auto* nl = static_cast<const char*>(::memrchr(block.data(), '\n', run_bytes));
      if (nl == nullptr) nl = static_cast<const char*>(std::memchr(block.data() + run_bytes, '\n', n - run_bytes));
      n = static_cast<std::size_t>(nl - block.data()) + 1;  // every block ends with a newline
    }
    run_begin = pos = block.data();
    run_end = run_begin + n;
    block.remove_prefix(n);
    indexed = run.index(run_begin, n);
    cursor = 0;
    return true;
  }

  // Reads the record of the line [pos, nl) from the run's index, if the walk is sure of it.
  bool take_from_run(const char* nl, std::vector<JsonValue>& values) noexcept {
    const auto line_end = static_cast<std::uint32_t>(nl - run_begin);
    std::uint32_t i = cursor;
    if (run.record(i, values) == FastWalk::accepted && run.offset(i - 1) < line_end &&
        (i == run.count() || run.offset(i) > line_end)) {
      cursor = i;
      return true;
    }
    // The next line starts after the newline: so does its first structural.
    while (cursor < run.count() && run.offset(cursor) < line_end) ++cursor;
    return false;
  }
};

RecordReader::RecordReader(LineReader& lines, const FieldSet& fields)
    : lines_(lines), fields_(fields), values_(fields.size()), impl_(std::make_unique<Impl>(fields)) {}

RecordReader::~RecordReader() = default;

RecordReader::Status RecordReader::next() {
  Impl& m = *impl_;
  const char* nl;
  for (;;) {
    if (m.pos == m.run_end && !m.next_run(lines_)) return end;
    nl = static_cast<const char*>(std::memchr(m.pos, '\n', static_cast<std::size_t>(m.run_end - m.pos)));
    line_ = std::string_view(m.pos, static_cast<std::size_t>(nl - m.pos));
    ++line_number_;
    if (!is_blank(line_)) break;
    m.pos = nl + 1;
  }
  const bool taken = m.indexed && m.take_from_run(nl, values_);
  m.pos = nl + 1;
  if (taken) return ok;
  // The line reader keeps `padding` readable bytes after every line (line_reader.hpp).
  static_assert(LineReader::padding >= simdjson::SIMDJSON_PADDING);
  if (m.fast.walk(line_.data(), line_.size(), values_) == FastWalk::accepted) return ok;
  if (!parse_in_place(m.parser, line_.data(), line_.size(), line_.size() + LineReader::padding, m.keys, values_,
                      error_, m.copies)) {
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
  KeyMatcher keys(fields);
  return parse_in_place(parser, copy.data(), copy.size(), copy.size() + simdjson::SIMDJSON_PADDING,
                        keys, values, error, copies);
}

}  // namespace libpipe
