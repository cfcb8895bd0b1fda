#pragma once
// Runs a parsed query over record streams: gquery's work, minus option parsing.
//
//   Engine engine(query, options, out);          // compiles; throws QueryError or Error
//   for (each input) {
//     InputStats stats;
//     bool more = engine.consume(lines, stats);  // false: LIMIT is satisfied, stop reading
//     …report stats.malformed…
//   }
//   engine.finish();                             // the answer of aggregates and ORDER BY
//
// Three ways to run, chosen from the query:
// - streaming (no aggregate, GROUP BY or ORDER BY): each record is answered as it arrives,
//   DISTINCT keeps first occurrences, LIMIT stops the reading;
// - ordered (ORDER BY without aggregates): rows are kept (only the best k with LIMIT k)
//   and printed at the end;
// - grouped (aggregates or GROUP BY): one state per group, printed at the end.
// `every` / `interval` print the answer so far as well, for endless streams.
// `partial` prints the state instead of the answer, and `merge` reads such states back
// (gquery(1), "PARTIAL STATE").

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "libpipe/json_reader.hpp"
#include "libpipe/line_reader.hpp"
#include "libpipe/output.hpp"
#include "libpipe/query_aggregate.hpp"
#include "libpipe/query_eval.hpp"
#include "libpipe/query_output.hpp"
#include "libpipe/query_parser.hpp"

namespace libpipe::query {

struct EngineOptions {
  Format format = Format::json;
  bool header = true;
  std::uint64_t every = 0;   // print the answer so far after every N records (0: never)
  double interval = 0;       // … and every so many seconds (0: never)
  bool partial = false;      // print the state, for a later --merge
  bool merge = false;        // the input is the states printed by --partial
};

// What went wrong in one input: malformed lines are skipped and counted.
struct InputStats {
  std::uint64_t records = 0;
  std::uint64_t malformed = 0;
  std::uint64_t first_malformed_line = 0;
  std::string first_error;
};

class Engine {
 public:
  Engine(const Query& query, EngineOptions options, Output& out);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Reads one input to its end. False once no more input is wanted (LIMIT satisfied).
  bool consume(LineReader& lines, InputStats& stats);
  // Prints the final answer (nothing more for a streaming query, except a --table).
  void finish();
  // For FdSource's wait hook: called when input would block. Prints an --interval answer
  // that is due and returns the milliseconds until the next one (-1: none).
  int on_wait();

  bool streaming() const noexcept { return mode_ == Mode::streaming; }

 private:
  enum class Mode : std::uint8_t { streaming, ordered, grouped };
  struct Row {
    std::vector<OwnedValue> sort_keys;
    std::vector<OwnedValue> values;
    std::string record;  // for SELECT *
    std::uint64_t seq = 0;
  };
  struct Group {
    std::vector<OwnedValue> keys;
    std::vector<Aggregate> aggregates;
  };
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using KeySet = std::unordered_set<std::string, KeyHash, std::equal_to<>>;

  bool record(const JsonValue* values, std::string_view line, InputStats& stats);
  bool emit_streaming(std::string_view line);
  void write_partial_row(std::string_view record);
  void add_to_group(const JsonValue* values);
  bool merge_state(std::string_view line, std::string& error);
  Group& group_for(const Value* keys, std::size_t n);
  void print_answer();
  void print_partial();
  void check_interval();
  bool row_before(const Row& a, const Row& b) const;
  bool passed_over_early(const Env& env) const;
  bool keys_before(const Value* keys, const Row& b) const;
  void trim_to_limit(std::vector<Row>& rows, bool force);
  bool record_is_valid(std::string_view line);

  const Query& query_;
  EngineOptions opt_;
  Output& out_;
  Mode mode_ = Mode::streaming;
  FieldSet fields_;
  Expression where_;
  std::vector<Column> columns_;
  std::vector<Expression> select_;       // one per column (empty for *)
  std::vector<Expression> order_;
  std::vector<bool> descending_;
  std::vector<Expression> group_keys_;   // record level
  std::vector<AggregateSpec> aggregates_;
  std::vector<Aggregate::Kind> agg_kinds_;
  Expression having_;
  bool has_star_ = false;
  std::unique_ptr<RowWriter> writer_;
  Scratch scratch_;
  std::vector<Value> row_;
  std::string key_;
  KeySet seen_;
  std::uint64_t emitted_ = 0;
  std::uint64_t seq_ = 0;
  std::uint64_t records_ = 0;
  std::vector<Row> rows_;
  std::vector<Value> sort_values_;        // the ORDER BY keys of the record at hand
  std::size_t threshold_ = SIZE_MAX;      // rows_[threshold_]: the k-th best row kept (SIZE_MAX: none yet)
  std::unordered_map<std::string, std::size_t, KeyHash, std::equal_to<>> group_index_;
  std::vector<Group> groups_;
  std::string last_key_;                  // the key of groups_[last_group_]
  std::size_t last_group_ = SIZE_MAX;     // the group of the last record (SIZE_MAX: none yet)
  std::vector<Value> key_values_;
  std::chrono::steady_clock::time_point next_interval_;
  struct Validator;
  std::unique_ptr<Validator> validator_;
};

}  // namespace libpipe::query
