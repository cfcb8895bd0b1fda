#pragma once
// The values gquery computes with, and the rules that compare them (gquery(1), "TYPES").
//
//   Value::integer(404) == Value::string("404")     // a numeric string meets a number as a number
//   compare_for_order(Value::null(), Value::integer(1)) < 0   // NULL sorts first
//
// A Value is small and never owns its text: strings are views into the record being read
// or into a Scratch that lives until the next record. OwnedValue keeps a copy for what
// must outlive the record (GROUP BY keys, ORDER BY rows, min and max).

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace libpipe::query {

__extension__ typedef __int128 int128;

enum class Type : std::uint8_t {
  null,     // JSON null, a missing field, or an answer SQL leaves unknown
  boolean,
  integer,  // exact, up to 128 bits (sums of 64-bit integers never wrap)
  real,     // a double
  string,
  json,     // an object or array, kept as its JSON text
};

struct Value {
  Type type = Type::null;
  bool b = false;
  int128 i = 0;
  double d = 0;
  std::string_view s;  // string text, or the JSON text of an object or array

  static Value null() { return {}; }
  static Value boolean(bool v) {
    Value x;
    x.type = Type::boolean;
    x.b = v;
    return x;
  }
  static Value integer(int128 v) {
    Value x;
    x.type = Type::integer;
    x.i = v;
    return x;
  }
  static Value real(double v) {
    Value x;
    x.type = Type::real;
    x.d = v;
    return x;
  }
  static Value string(std::string_view v) {
    Value x;
    x.type = Type::string;
    x.s = v;
    return x;
  }
  static Value json(std::string_view v) {
    Value x;
    x.type = Type::json;
    x.s = v;
    return x;
  }

  bool is_null() const noexcept { return type == Type::null; }
  bool is_number() const noexcept { return type == Type::integer || type == Type::real; }
  double as_double() const noexcept { return type == Type::integer ? static_cast<double>(i) : d; }
};

// A number read from the whole of a string ("404", "-1.5e3"); nothing for anything else.
std::optional<Value> number_from_string(std::string_view s);

// The order of ORDER BY, min and max: NULL < booleans < numbers < strings < JSON, numbers by
// value (an integer and a double compare exactly), strings byte-wise. A total order.
int compare_for_order(const Value& a, const Value& b);

// SQL comparison (=, <, …): NULL when either side is NULL. A number and a string that holds
// a number compare as numbers; otherwise the ORDER BY order decides (so 1 = 'x' is false).
// Returns -1, 0, 1, or nothing for NULL.
std::optional<int> compare_sql(const Value& a, const Value& b);

// True when a and b are the same for DISTINCT and GROUP BY (1 and 1.0 are the same).
bool same_value(const Value& a, const Value& b);

// Appends a byte string that is equal for exactly the values same_value() calls equal:
// the key of DISTINCT sets and GROUP BY maps.
void append_key(std::string& out, const Value& v);

// Output forms. JSON: valid whatever the bytes (json_writer.hpp). Text: strings bare,
// NULL empty, numbers and booleans as in JSON, objects and arrays as JSON.
void append_json_value(std::string& out, const Value& v);
void append_text_value(std::string& out, const Value& v);
void append_int128(std::string& out, int128 v);

// A copy of a Value that owns its text.
class OwnedValue {
 public:
  OwnedValue() = default;
  explicit OwnedValue(const Value& v) { assign(v); }
  void assign(const Value& v) {
    v_ = v;
    if (v.type == Type::string || v.type == Type::json) text_.assign(v.s);
  }
  Value view() const {
    Value v = v_;
    if (v.type == Type::string || v.type == Type::json) v.s = text_;
    return v;
  }

 private:
  Value v_;
  std::string text_;
};

// Room for the strings an expression makes (lower(), substr(), str() …), reused from
// record to record so that the filter path does not allocate once warm.
class Scratch {
 public:
  std::string& next() {
    if (used_ == pool_.size()) pool_.emplace_back();
    std::string& s = pool_[used_++];
    s.clear();
    return s;
  }
  void reset() noexcept { used_ = 0; }

 private:
  std::deque<std::string> pool_;
  std::size_t used_ = 0;
};

}  // namespace libpipe::query
