#include "libpipe/query_aggregate.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "libpipe/error.hpp"
#include "libpipe/json_writer.hpp"

namespace libpipe::query {

Aggregate::Kind Aggregate::kind_of(std::string_view f, bool star, bool distinct) {
  if (f == "count") return star ? Kind::count_star : (distinct ? Kind::count_distinct : Kind::count);
  if (f == "sum") return Kind::sum;
  if (f == "min") return Kind::min;
  if (f == "max") return Kind::max;
  if (f == "avg") return Kind::avg;
  if (f == "median") return Kind::median;
  return Kind::percentile;
}

void Aggregate::add_real(double d) {
  // Neumaier's variant of Kahan summation: the low-order bits each addition loses are kept.
  double t = real_sum_ + d;
  if (std::fabs(real_sum_) >= std::fabs(d)) {
    real_comp_ += (real_sum_ - t) + d;
  } else {
    real_comp_ += (d - t) + real_sum_;
  }
  real_sum_ = t;
  any_real_ = true;
}

void Aggregate::add_number(const Value& n) {
  ++count_;
  if (n.type == Type::integer) {
    if (__builtin_add_overflow(int_sum_, n.i, &int_sum_)) add_real(static_cast<double>(n.i));
  } else {
    add_real(n.d);
  }
}

void Aggregate::add(const Value& v) {
  if (v.is_null()) return;
  switch (kind_) {
    case Kind::count_star:
    case Kind::count: ++count_; return;
    case Kind::count_distinct: {
      std::string key;
      append_key(key, v);
      if (distinct_.find(key) == distinct_.end()) distinct_.emplace(std::move(key), OwnedValue(v));
      return;
    }
    case Kind::min:
    case Kind::max: {
      if (!has_best_) {
        best_.assign(v);
        has_best_ = true;
        return;
      }
      int c = compare_for_order(v, best_.view());
      if ((kind_ == Kind::min && c < 0) || (kind_ == Kind::max && c > 0)) best_.assign(v);
      return;
    }
    default: break;
  }
  std::optional<Value> n = v.is_number() ? std::optional<Value>(v)
                                         : (v.type == Type::string ? number_from_string(v.s) : std::nullopt);
  if (!n) return;
  if (kind_ == Kind::median || kind_ == Kind::percentile) {
    numbers_.push_back(Number{n->type == Type::integer, n->i, n->d});
    sorted_ = false;
    return;
  }
  add_number(*n);
}

void Aggregate::merge(const Aggregate& o) {
  switch (kind_) {
    case Kind::count_star:
    case Kind::count: count_ += o.count_; return;
    case Kind::count_distinct:
      for (const auto& [k, v] : o.distinct_) distinct_.emplace(k, v);
      return;
    case Kind::min:
    case Kind::max:
      if (o.has_best_) add(o.best_.view());
      return;
    case Kind::median:
    case Kind::percentile:
      numbers_.insert(numbers_.end(), o.numbers_.begin(), o.numbers_.end());
      sorted_ = false;
      return;
    case Kind::sum:
    case Kind::avg:
      count_ += o.count_;
      if (__builtin_add_overflow(int_sum_, o.int_sum_, &int_sum_)) add_real(static_cast<double>(o.int_sum_));
      if (o.any_real_) {
        add_real(o.real_sum_);
        add_real(o.real_comp_);
      }
      return;
  }
}

namespace {

Value number_value(bool is_int, int128 i, double d) { return is_int ? Value::integer(i) : Value::real(d); }

int compare_number(bool ai, int128 a, double ad, bool bi, int128 b, double bd) {
  return compare_for_order(number_value(ai, a, ad), number_value(bi, b, bd));
}

}  // namespace

Value Aggregate::result(Scratch& scratch) const {
  (void)scratch;
  switch (kind_) {
    case Kind::count_star:
    case Kind::count: return Value::integer(count_);
    case Kind::count_distinct: return Value::integer(static_cast<int128>(distinct_.size()));
    case Kind::min:
    case Kind::max: return has_best_ ? best_.view() : Value::null();
    case Kind::sum:
      if (count_ == 0) return Value::null();
      if (!any_real_) return Value::integer(int_sum_);
      return Value::real(static_cast<double>(int_sum_) + (real_sum_ + real_comp_));
    case Kind::avg:
      if (count_ == 0) return Value::null();
      if (!any_real_) {
        // An exact quotient stays an integer; otherwise a double.
        if (int_sum_ % static_cast<int128>(count_) == 0) return Value::integer(int_sum_ / static_cast<int128>(count_));
        return Value::real(static_cast<double>(int_sum_) / static_cast<double>(count_));
      }
      return Value::real((static_cast<double>(int_sum_) + (real_sum_ + real_comp_)) / static_cast<double>(count_));
    case Kind::median:
    case Kind::percentile: {
      if (numbers_.empty()) return Value::null();
      auto& nums = const_cast<std::vector<Number>&>(numbers_);
      if (!sorted_) {
        std::sort(nums.begin(), nums.end(), [](const Number& a, const Number& b) {
          return compare_number(a.is_int, a.i, a.d, b.is_int, b.i, b.d) < 0;
        });
        sorted_ = true;
      }
      // Linear interpolation between the closest ranks (numpy's default, Excel's
      // PERCENTILE.INC); a rank that falls on a value gives that value exactly.
      double fraction = kind_ == Kind::median ? 0.5 : fraction_;
      long double pos = static_cast<long double>(fraction) * static_cast<long double>(nums.size() - 1);
      long double nearest = std::round(pos);
      if (std::fabs(pos - nearest) < 1e-9L) pos = nearest;
      auto lo = static_cast<std::size_t>(std::floor(pos));
      long double frac = pos - static_cast<long double>(lo);
      const Number& a = nums[lo];
      if (frac == 0 || lo + 1 >= nums.size()) return number_value(a.is_int, a.i, a.d);
      const Number& b = nums[lo + 1];
      if (frac == 0.5L && a.is_int && b.is_int && ((a.i + b.i) % 2 == 0)) return Value::integer((a.i + b.i) / 2);
      double x = a.is_int ? static_cast<double>(a.i) : a.d;
      double y = b.is_int ? static_cast<double>(b.i) : b.d;
      return Value::real(static_cast<double>(x + static_cast<double>(frac) * (y - x)));
    }
  }
  return Value::null();
}

// ---- the state as JSON -----------------------------------------------------------

void Aggregate::write_state(std::string& out) const {
  switch (kind_) {
    case Kind::count_star:
    case Kind::count: append_json_unsigned(out, count_); return;
    case Kind::count_distinct: {
      // Sorted, so the same set always reads the same.
      std::vector<const OwnedValue*> vals;
      for (const auto& [k, v] : distinct_) vals.push_back(&v);
      std::sort(vals.begin(), vals.end(),
                [](const OwnedValue* a, const OwnedValue* b) { return compare_for_order(a->view(), b->view()) < 0; });
      out += '[';
      for (std::size_t i = 0; i < vals.size(); ++i) {
        if (i) out += ',';
        append_json_value(out, vals[i]->view());
      }
      out += ']';
      return;
    }
    case Kind::min:
    case Kind::max:
      if (has_best_) {
        append_json_value(out, best_.view());
      } else {
        out += "null";
      }
      return;
    case Kind::sum:
    case Kind::avg:
      // The integer part as a string: it may need more than the 64 bits JSON readers keep.
      out += "{\"count\":";
      append_json_unsigned(out, count_);
      out += ",\"int\":\"";
      append_int128(out, int_sum_);
      out += '"';
      if (any_real_) {
        out += ",\"real\":";
        append_json_number(out, real_sum_);
        out += ",\"real_error\":";
        append_json_number(out, real_comp_);
      }
      out += '}';
      return;
    case Kind::median:
    case Kind::percentile:
      out += '[';
      for (std::size_t i = 0; i < numbers_.size(); ++i) {
        if (i) out += ',';
        append_json_value(out, number_value(numbers_[i].is_int, numbers_[i].i, numbers_[i].d));
      }
      out += ']';
      return;
  }
}

namespace {

Error bad_state(std::string_view why) { return Error(fmt::format("bad partial state: {}", why)); }

// A JSON number as a Value, integers exact (also beyond 64 bits).
Value number_from_dom(simdjson::dom::element e) {
  std::int64_t i = 0;
  if (e.get_int64().get(i) == simdjson::SUCCESS) return Value::integer(i);
  std::uint64_t u = 0;
  if (e.get_uint64().get(u) == simdjson::SUCCESS) return Value::integer(u);
  double d = 0;
  if (e.get_double().get(d) == simdjson::SUCCESS) return Value::real(d);
  throw bad_state("expected a number");
}

// Any JSON value as a Value; strings and JSON text are kept in `keep`.
Value value_from_dom(simdjson::dom::element e, std::string& keep) {
  using T = simdjson::dom::element_type;
  switch (e.type()) {
    case T::NULL_VALUE: return Value::null();
    case T::BOOL: return Value::boolean(bool(e));
    case T::INT64:
    case T::UINT64:
    case T::DOUBLE: return number_from_dom(e);
    case T::STRING:
      keep.assign(std::string_view(e));
      return Value::string(keep);
    case T::ARRAY:
    case T::OBJECT:
      keep = simdjson::minify(e);
      return Value::json(keep);
  }
  return Value::null();
}

}  // namespace

void Aggregate::read_state(std::string_view json) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto err = parser.parse(json.data(), json.size()).get(root)) throw bad_state(simdjson::error_message(err));
  std::string keep;
  switch (kind_) {
    case Kind::count_star:
    case Kind::count: {
      std::uint64_t n = 0;
      if (root.get_uint64().get(n)) throw bad_state("a count must be a whole number");
      count_ += n;
      return;
    }
    case Kind::count_distinct: {
      simdjson::dom::array arr;
      if (root.get_array().get(arr)) throw bad_state("count(DISTINCT) needs an array of values");
      for (auto v : arr) add(value_from_dom(v, keep));
      return;
    }
    case Kind::min:
    case Kind::max: {
      Value v = value_from_dom(root, keep);
      if (!v.is_null()) add(v);
      return;
    }
    case Kind::median:
    case Kind::percentile: {
      simdjson::dom::array arr;
      if (root.get_array().get(arr)) throw bad_state("median and percentile need an array of numbers");
      for (auto v : arr) add(number_from_dom(v));
      return;
    }
    case Kind::sum:
    case Kind::avg: {
      simdjson::dom::object obj;
      if (root.get_object().get(obj)) throw bad_state("sum and avg need an object {\"count\":…,\"int\":…}");
      std::uint64_t n = 0;
      if (obj["count"].get_uint64().get(n)) throw bad_state("sum and avg need a whole \"count\"");
      std::string_view text;
      if (obj["int"].get_string().get(text)) throw bad_state("sum and avg need \"int\" as a string of digits");
      auto iv = number_from_string(text);
      if (!iv || iv->type != Type::integer) {
        // Beyond 64 bits: read the digits exactly.
        int128 acc = 0;
        bool neg = !text.empty() && text[0] == '-';
        std::string_view digits = text.substr(neg ? 1 : 0);
        if (digits.empty() || digits.size() > 38) throw bad_state("\"int\" is not a whole number");
        for (char c : digits) {
          if (c < '0' || c > '9') throw bad_state("\"int\" is not a whole number");
          acc = acc * 10 + (c - '0');
        }
        iv = Value::integer(neg ? -acc : acc);
      }
      Aggregate other(kind_);
      other.count_ = n;
      other.int_sum_ = iv->i;
      double r = 0, c = 0;
      if (obj["real"].get_double().get(r) == simdjson::SUCCESS) {
        other.any_real_ = true;
        other.real_sum_ = r;
        if (obj["real_error"].get_double().get(c) == simdjson::SUCCESS) other.real_comp_ = c;
      }
      merge(other);
      return;
    }
  }
}

}  // namespace libpipe::query
