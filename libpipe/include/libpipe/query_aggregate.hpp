#pragma once
// The running state of one aggregate over one group, and its answer.
//
//   Aggregate sum(Aggregate::Kind::sum);
//   sum.add(Value::integer(INT64_MAX)); sum.add(Value::integer(INT64_MAX));
//   sum.result(scratch);           // 18446744073709551614, exactly: sums never wrap
//
// NULLs are ignored (count(*) counts records, count(x) the non-NULL x). sum, avg, median
// and percentile take numbers and numeric strings and ignore anything else. Integers are
// summed exactly in 128 bits, doubles with Neumaier's compensated sum. States merge
// (merge()) and travel as JSON (write_state(), read_state()): that is how partial answers
// of many processes add up to the answer of one (gquery --partial / --merge).

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "libpipe/json_reader.hpp"
#include "libpipe/query_value.hpp"

namespace libpipe::query {

class Aggregate {
 public:
  enum class Kind : std::uint8_t { count_star, count, count_distinct, sum, min, max, avg, median, percentile };

  explicit Aggregate(Kind kind, double fraction = 0.5) : kind_(kind), fraction_(fraction) {}

  static Kind kind_of(std::string_view function, bool star, bool distinct);

  void add_record() { ++count_; }  // count(*)
  void add(const Value& v);
  void merge(const Aggregate& other);
  // The answer so far; strings it returns live in the aggregate or in scratch.
  Value result(Scratch& scratch) const;

  // The state as one JSON value (gquery(1), "PARTIAL STATE"), and back.
  void write_state(std::string& out) const;
  // Throws Error(reason) when the text is not a state of this kind of aggregate.
  void read_state(std::string_view json);

  Kind kind() const noexcept { return kind_; }

 private:
  struct Number {
    bool is_int;
    int128 i;
    double d;
  };
  void add_number(const Value& n);
  void add_real(double d);

  Kind kind_;
  double fraction_;
  std::uint64_t count_ = 0;         // count(*), count(x), and the numbers summed
  int128 int_sum_ = 0;
  double real_sum_ = 0, real_comp_ = 0;  // Neumaier: the sum and its lost low-order part
  bool any_real_ = false;
  bool int_overflow_ = false;
  bool has_best_ = false;
  OwnedValue best_;                  // min or max
  std::unordered_map<std::string, OwnedValue> distinct_;  // key (append_key) → value
  std::vector<Number> numbers_;      // median, percentile
  mutable bool sorted_ = true;
};

}  // namespace libpipe::query
