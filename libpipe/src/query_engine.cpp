#include "libpipe/query_engine.hpp"

#include <simdjson.h>

#include <algorithm>
#include <fmt/format.h>

#include "libpipe/error.hpp"
#include "libpipe/json_writer.hpp"

namespace libpipe::query {

// Records printed whole (SELECT *) are checked in full first: the record reader validates
// only the fields a query names, and what gquery prints must be valid JSON.
struct Engine::Validator {
  simdjson::dom::parser parser;
};

Engine::Engine(const Query& query, EngineOptions options, Output& out)
    : query_(query), opt_(options), out_(out), validator_(std::make_unique<Validator>()) {
  if (query_.grouped()) {
    mode_ = Mode::grouped;
  } else if (!query_.order_by.empty()) {
    mode_ = Mode::ordered;
  }
  Compiler record_level(fields_);
  if (query_.where) where_ = record_level.compile(*query_.where);
  for (const auto& item : query_.select) {
    columns_.push_back(Column{item.name, item.star});
    if (item.star) has_star_ = true;
  }
  if (mode_ == Mode::grouped) {
    if (has_star_) {
      throw QueryError(0, "SELECT * cannot be used with GROUP BY or aggregates: name the keys and aggregates to show");
    }
    for (const auto& g : query_.group_by) group_keys_.push_back(record_level.compile(*g));
    Compiler group_level(fields_, query_.group_by, aggregates_);
    for (const auto& item : query_.select) select_.push_back(group_level.compile(*item.expr));
    if (query_.having) having_ = group_level.compile(*query_.having);
    for (const auto& o : query_.order_by) {
      order_.push_back(group_level.compile(*o.expr));
      descending_.push_back(o.descending);
    }
    for (const auto& a : aggregates_) agg_kinds_.push_back(Aggregate::kind_of(a.function, a.star, a.distinct));
    if (query_.group_by.empty()) {
      // An aggregate over no records still answers: count(*) is 0.
      group_for(nullptr, 0);
    }
  } else {
    for (const auto& item : query_.select) {
      select_.push_back(item.star ? Expression{} : record_level.compile(*item.expr));
    }
    for (const auto& o : query_.order_by) {
      order_.push_back(record_level.compile(*o.expr));
      descending_.push_back(o.descending);
    }
  }
  if ((opt_.every || opt_.interval > 0) && mode_ == Mode::streaming) {
    throw Error("--every and --interval need a query with aggregates, GROUP BY or ORDER BY "
                "(this one prints each record as it arrives)");
  }
  writer_ = std::make_unique<RowWriter>(opt_.format, out_, columns_, opt_.header);
  row_.resize(columns_.size());
  if (opt_.interval > 0) {
    next_interval_ = std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                         std::chrono::duration<double>(opt_.interval));
  }
}

Engine::~Engine() = default;

bool Engine::record_is_valid(std::string_view line) {
  simdjson::dom::element doc;
  return validator_->parser.parse(line.data(), line.size(), false).get(doc) == simdjson::SUCCESS;
}

bool Engine::consume(LineReader& lines, InputStats& stats) {
  if (query_.limit && *query_.limit == 0 && mode_ == Mode::streaming) return false;
  RecordReader reader(lines, fields_);
  std::string merge_error;
  static const JsonValue no_fields[1] = {};
  for (;;) {
    auto status = reader.next();
    if (status == RecordReader::end) return true;
    if (status == RecordReader::malformed) {
      if (stats.malformed++ == 0) {
        stats.first_malformed_line = reader.line_number();
        stats.first_error = reader.error();
      }
      continue;
    }
    if (opt_.merge) {
      if (!merge_state(reader.line(), merge_error)) {
        if (stats.malformed++ == 0) {
          stats.first_malformed_line = reader.line_number();
          stats.first_error = merge_error;
        }
      }
      continue;
    }
    ++stats.records;
    const JsonValue* values = fields_.size() ? &reader.value(0) : no_fields;
    if (!record(values, reader.line(), stats)) return false;
  }
}

bool Engine::record(const JsonValue* values, std::string_view line, InputStats& stats) {
  ++records_;
  scratch_.reset();
  Env env{values, nullptr, nullptr, &scratch_};
  bool keep = where_.empty() || truth(where_.eval(env)) == Truth::yes;
  if (keep) {
    if (mode_ == Mode::grouped) {
      add_to_group(values);
    } else if (passed_over_early(env)) {
      // Nothing of it is evaluated or kept.
    } else {
      for (std::size_t i = 0; i < select_.size(); ++i) row_[i] = columns_[i].star ? Value::null() : select_[i].eval(env);
      if (has_star_ && !record_is_valid(line)) {
        // Only the named fields were checked so far; the rest is broken.
        if (stats.malformed++ == 0) {
          stats.first_error = "malformed JSON";
        }
        --stats.records;
        return true;
      }
      bool fresh = true;
      if (query_.distinct) {
        key_.clear();
        for (std::size_t i = 0; i < row_.size(); ++i) {
          append_key(key_, columns_[i].star ? Value::string(line) : row_[i]);
        }
        fresh = seen_.find(std::string_view(key_)) == seen_.end();
        if (fresh) seen_.insert(key_);
      }
      if (fresh) {
        if (mode_ == Mode::streaming) {
          if (!emit_streaming(line)) return false;
        } else {
          std::uint64_t seq = seq_++;
          sort_values_.clear();
          for (const auto& o : order_) sort_values_.push_back(o.eval(env));
          // Once ORDER BY … LIMIT k has kept its best k rows, a record that does not come
          // before the k-th of them can never be in the answer: it is passed over uncopied.
          if (threshold_ < rows_.size() && !keys_before(sort_values_.data(), rows_[threshold_])) {
            if (opt_.every && records_ % opt_.every == 0) print_answer();
            if (opt_.interval > 0) check_interval();
            return true;
          }
          Row r;
          r.seq = seq;
          for (const auto& v : sort_values_) r.sort_keys.emplace_back(v);
          for (const auto& v : row_) r.values.emplace_back(v);
          if (has_star_) r.record.assign(line);
          rows_.push_back(std::move(r));
          trim_to_limit(rows_, false);
        }
      }
    }
  }
  if (opt_.every && records_ % opt_.every == 0) print_answer();
  if (opt_.interval > 0) check_interval();
  return true;
}

// A streaming query's partial state is its rows, as they come: --merge concatenates them.
void Engine::write_partial_row(std::string_view record) {
  std::string& s = scratch_.next();
  s += "{\"values\":[";
  for (std::size_t i = 0; i < row_.size(); ++i) {
    if (i) s += ',';
    append_json_value(s, row_[i]);
  }
  s += ']';
  if (has_star_) {
    s += ",\"record\":";
    while (!record.empty() && (record.back() == ' ' || record.back() == '\t' || record.back() == '\r')) {
      record.remove_suffix(1);
    }
    s += record;
  }
  s += "}\n";
  out_.write(s);
}

bool Engine::emit_streaming(std::string_view line) {
  if (opt_.partial) {
    write_partial_row(line);
  } else {
    writer_->row(row_.data(), line);
  }
  ++emitted_;
  return !(query_.limit && emitted_ >= *query_.limit);
}

Engine::Group& Engine::group_for(const Value* keys, std::size_t n) {
  key_.clear();
  for (std::size_t i = 0; i < n; ++i) append_key(key_, keys[i]);
  // Records come in runs of one group (most requests get a 200): the last group found is
  // tried before hashing the key.
  if (last_group_ < groups_.size() && key_ == last_key_) return groups_[last_group_];
  auto it = group_index_.find(std::string_view(key_));
  if (it != group_index_.end()) {
    last_key_ = key_;
    last_group_ = it->second;
    return groups_[it->second];
  }
  group_index_.emplace(key_, groups_.size());
  Group g;
  for (std::size_t i = 0; i < n; ++i) g.keys.emplace_back(keys[i]);
  for (std::size_t i = 0; i < aggregates_.size(); ++i) g.aggregates.emplace_back(agg_kinds_[i], aggregates_[i].fraction);
  groups_.push_back(std::move(g));
  return groups_.back();
}

void Engine::add_to_group(const JsonValue* values) {
  Env env{values, nullptr, nullptr, &scratch_};
  key_values_.resize(group_keys_.size());
  for (std::size_t i = 0; i < group_keys_.size(); ++i) key_values_[i] = group_keys_[i].eval(env);
  Group& g = group_for(key_values_.data(), key_values_.size());
  for (std::size_t i = 0; i < aggregates_.size(); ++i) {
    if (aggregates_[i].star) {
      g.aggregates[i].add_record();
    } else {
      g.aggregates[i].add(aggregates_[i].argument.eval(env));
    }
  }
}

bool Engine::row_before(const Row& a, const Row& b) const {
  for (std::size_t i = 0; i < order_.size(); ++i) {
    int c = compare_for_order(a.sort_keys[i].view(), b.sort_keys[i].view());
    if (c != 0) return descending_[i] ? c > 0 : c < 0;
  }
  return a.seq < b.seq;
}

// Whether ORDER BY … LIMIT k, once it has kept its best k rows, can pass over this record
// on its first sort key alone: when that key comes after the k-th row's, the record cannot be
// in the answer, and neither its columns nor its other keys need evaluating (largest.py's
// ORDER BY bytes DESC … LIMIT 1 passes over nearly every record so). Not with DISTINCT, which
// must see every row, nor with SELECT *, which checks every record in full.
bool Engine::passed_over_early(const Env& env) const {
  if (mode_ != Mode::ordered || threshold_ >= rows_.size() || query_.distinct || has_star_) return false;
  int c = compare_for_order(order_[0].eval(env), rows_[threshold_].sort_keys[0].view());
  return descending_[0] ? c < 0 : c > 0;
}

// Whether a new record with these sort keys comes before row b (on equal keys it does
// not: b came first).
bool Engine::keys_before(const Value* keys, const Row& b) const {
  for (std::size_t i = 0; i < order_.size(); ++i) {
    int c = compare_for_order(keys[i], b.sort_keys[i].view());
    if (c != 0) return descending_[i] ? c > 0 : c < 0;
  }
  return false;
}

// ORDER BY … LIMIT k keeps at most 2k rows: when full, the best k are kept, the k-th
// last, where record() finds it as the threshold to beat.
void Engine::trim_to_limit(std::vector<Row>& rows, bool force) {
  if (!query_.limit) return;
  std::size_t k = static_cast<std::size_t>(*query_.limit);
  if (rows.size() <= k || (!force && rows.size() < 2 * k + 16)) return;
  if (k == 0) {
    rows.clear();
    return;
  }
  auto cmp = [this](const Row& a, const Row& b) { return row_before(a, b); };
  std::nth_element(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(k - 1), rows.end(), cmp);
  rows.resize(k);
  if (&rows == &rows_) threshold_ = k - 1;
}

void Engine::print_answer() {
  if (opt_.partial) {
    print_partial();
    return;
  }
  if (mode_ == Mode::streaming) {
    writer_->end_answer();
    return;
  }
  std::vector<Row> built;
  std::vector<Row>* rows = &rows_;
  if (mode_ == Mode::grouped) {
    KeySet distinct;
    std::vector<Value> keys, results;
    for (auto& g : groups_) {
      scratch_.reset();
      keys.clear();
      results.clear();
      for (const auto& k : g.keys) keys.push_back(k.view());
      for (const auto& a : g.aggregates) results.push_back(a.result(scratch_));
      Env env{nullptr, keys.data(), results.data(), &scratch_};
      if (!having_.empty() && truth(having_.eval(env)) != Truth::yes) continue;
      Row r;
      r.seq = built.size();
      for (std::size_t i = 0; i < select_.size(); ++i) row_[i] = select_[i].eval(env);
      if (query_.distinct) {
        key_.clear();
        for (const auto& v : row_) append_key(key_, v);
        if (!distinct.insert(key_).second) continue;
      }
      for (const auto& o : order_) r.sort_keys.emplace_back(o.eval(env));
      for (const auto& v : row_) r.values.emplace_back(v);
      built.push_back(std::move(r));
    }
    rows = &built;
  }
  std::vector<const Row*> order;
  order.reserve(rows->size());
  for (const auto& r : *rows) order.push_back(&r);
  if (!order_.empty()) {
    std::sort(order.begin(), order.end(), [this](const Row* a, const Row* b) { return row_before(*a, *b); });
  }
  std::size_t n = order.size();
  if (query_.limit) n = std::min<std::size_t>(n, static_cast<std::size_t>(*query_.limit));
  for (std::size_t i = 0; i < n; ++i) {
    const Row& r = *order[i];
    for (std::size_t c = 0; c < r.values.size(); ++c) row_[c] = r.values[c].view();
    writer_->row(row_.data(), r.record);
  }
  writer_->end_answer();
}

// ---- partial states (--partial) and their merge (--merge) --------------------------

void Engine::print_partial() {
  std::string s;
  auto write_row = [&](const std::vector<OwnedValue>* sort_keys, const std::vector<OwnedValue>& values,
                       std::string_view record) {
    s.clear();
    s += '{';
    if (sort_keys) {
      s += "\"sort\":[";
      for (std::size_t i = 0; i < sort_keys->size(); ++i) {
        if (i) s += ',';
        append_json_value(s, (*sort_keys)[i].view());
      }
      s += "],";
    }
    s += "\"values\":[";
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i) s += ',';
      append_json_value(s, values[i].view());
    }
    s += ']';
    if (has_star_) {
      s += ",\"record\":";
      s += record;
    }
    s += "}\n";
    out_.write(s);
  };
  if (mode_ == Mode::ordered) {
    trim_to_limit(rows_, true);
    for (const auto& r : rows_) write_row(&r.sort_keys, r.values, r.record);
    return;
  }
  if (mode_ != Mode::grouped) return;  // streaming rows were written as they came
  for (const auto& g : groups_) {
    s.clear();
    s += "{\"keys\":[";
    for (std::size_t i = 0; i < g.keys.size(); ++i) {
      if (i) s += ',';
      append_json_value(s, g.keys[i].view());
    }
    s += "],\"aggregates\":{";
    for (std::size_t i = 0; i < aggregates_.size(); ++i) {
      if (i) s += ',';
      append_json_string(s, aggregates_[i].canonical);
      s += ':';
      g.aggregates[i].write_state(s);
    }
    s += "}}\n";
    out_.write(s);
  }
}

namespace {

// A value of a partial state; strings point into the parser, objects are minified into keep.
Value state_value(simdjson::dom::element e, Scratch& keep) {
  using T = simdjson::dom::element_type;
  switch (e.type()) {
    case T::NULL_VALUE: return Value::null();
    case T::BOOL: return Value::boolean(bool(e));
    case T::INT64: return Value::integer(std::int64_t(e));
    case T::UINT64: return Value::integer(std::uint64_t(e));
    case T::DOUBLE: return Value::real(double(e));
    case T::STRING: return Value::string(std::string_view(e));
    case T::ARRAY:
    case T::OBJECT: {
      std::string& s = keep.next();
      s = simdjson::minify(e);
      return Value::json(s);
    }
    default: return Value::null();
  }
}

}  // namespace

bool Engine::merge_state(std::string_view line, std::string& error) {
  simdjson::dom::element doc;
  if (auto e = validator_->parser.parse(line.data(), line.size(), false).get(doc)) {
    error = simdjson::error_message(e);
    return false;
  }
  scratch_.reset();
  auto fail = [&](std::string why) {
    error = "not a partial state of this query: " + std::move(why);
    return false;
  };
  if (mode_ == Mode::grouped) {
    simdjson::dom::array keys;
    simdjson::dom::object aggs;
    if (doc["keys"].get_array().get(keys) || doc["aggregates"].get_object().get(aggs)) {
      return fail("expected {\"keys\":[…],\"aggregates\":{…}}");
    }
    key_values_.clear();
    for (auto k : keys) key_values_.push_back(state_value(k, scratch_));
    if (key_values_.size() != group_keys_.size()) return fail("the number of GROUP BY keys differs");
    // Check every aggregate first, so that a bad line changes nothing.
    std::vector<std::string> states;
    for (const auto& spec : aggregates_) {
      simdjson::dom::element st;
      if (aggs[spec.canonical].get(st)) return fail(spec.canonical + " is missing");
      states.push_back(simdjson::minify(st));
    }
    std::vector<Aggregate> parsed;
    try {
      for (std::size_t i = 0; i < aggregates_.size(); ++i) {
        parsed.emplace_back(agg_kinds_[i], aggregates_[i].fraction);
        parsed.back().read_state(states[i]);
      }
    } catch (const Error& e) {
      return fail(e.what());
    }
    Group& g = group_for(key_values_.data(), key_values_.size());
    for (std::size_t i = 0; i < parsed.size(); ++i) g.aggregates[i].merge(parsed[i]);
    return true;
  }
  simdjson::dom::array values;
  if (doc["values"].get_array().get(values)) return fail("expected {\"values\":[…]}");
  std::size_t n = 0;
  for (auto v : values) {
    if (n == row_.size()) return fail("more values than the query selects");
    row_[n++] = state_value(v, scratch_);
  }
  if (n != row_.size()) return fail("fewer values than the query selects");
  std::string_view record;
  if (has_star_) {
    simdjson::dom::object rec;
    if (doc["record"].get_object().get(rec)) return fail("SELECT * needs the \"record\"");
    std::string& s = scratch_.next();
    s = simdjson::minify(rec);
    record = s;
  }
  if (query_.distinct) {
    key_.clear();
    for (std::size_t i = 0; i < row_.size(); ++i) append_key(key_, columns_[i].star ? Value::string(record) : row_[i]);
    if (seen_.find(std::string_view(key_)) != seen_.end()) return true;
    seen_.insert(key_);
  }
  if (mode_ == Mode::streaming) {
    if (!query_.limit || emitted_ < *query_.limit) emit_streaming(record);
    return true;
  }
  simdjson::dom::array sort;
  if (doc["sort"].get_array().get(sort)) return fail("expected the \"sort\" keys of ORDER BY");
  Row r;
  r.seq = seq_++;
  for (auto k : sort) r.sort_keys.emplace_back(state_value(k, scratch_));
  if (r.sort_keys.size() != order_.size()) return fail("the number of ORDER BY keys differs");
  for (const auto& v : row_) r.values.emplace_back(v);
  r.record.assign(record);
  rows_.push_back(std::move(r));
  trim_to_limit(rows_, false);
  return true;
}

void Engine::check_interval() {
  auto now = std::chrono::steady_clock::now();
  if (now < next_interval_) return;
  print_answer();
  auto step = std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(opt_.interval));
  while (next_interval_ <= now) next_interval_ += step;
}

int Engine::on_wait() {
  out_.flush();
  if (opt_.interval <= 0) return -1;
  check_interval();
  out_.flush();
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next_interval_ - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<std::int64_t>(1, left.count() + 1));
}

void Engine::finish() { print_answer(); }

}  // namespace libpipe::query
