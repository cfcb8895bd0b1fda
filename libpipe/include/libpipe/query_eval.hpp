#pragma once
// Expressions of a parsed query, compiled once into a flat program and evaluated per record
// without allocating (strings a function makes go to a reused Scratch).
//
//   libpipe::FieldSet fields;
//   Compiler c(fields);                                   // record level: fields are read
//   Expression where = c.compile(*query.where);
//   … per record:  Env env{&records.value(0), nullptr, nullptr, &scratch};
//                  if (truth(where.eval(env)) == Truth::yes) …
//
// After GROUP BY, expressions are compiled at group level: a GROUP BY expression becomes a
// reference to that key, an aggregate a reference to its result, and a bare field is an
// error (it has no single value in a group).

#include <memory>
#include <string>
#include <vector>

#include "libpipe/json_reader.hpp"
#include "libpipe/query_parser.hpp"
#include "libpipe/query_value.hpp"

namespace re2 {
class RE2;
}

namespace libpipe::query {

// SQL's three truth values. A condition keeps a record only when it is `yes`.
enum class Truth : std::uint8_t { no, yes, unknown };

// Booleans are themselves, a number is true unless 0, anything else (NULL, strings,
// objects) is unknown.
Truth truth(const Value& v);

// What an expression reads.
struct Env {
  const JsonValue* record = nullptr;  // record level: the values of the field slots
  const Value* keys = nullptr;                      // group level: the GROUP BY keys
  const Value* aggregates = nullptr;                // group level: the aggregate results
  Scratch* scratch = nullptr;
};

// A JSON value as a query value (a missing field is NULL).
Value from_json(const JsonValue& v);

// The pattern of LIKE, compiled: % any run of characters, _ one character, \ escapes.
class LikePattern {
 public:
  explicit LikePattern(std::string_view pattern);
  bool matches(std::string_view s) const;

 private:
  enum class Piece : std::uint8_t { byte, any, percent };
  struct Token {
    Piece kind;
    char c;
  };
  enum class Shape : std::uint8_t { general, equal, prefix, suffix, contains };
  std::vector<Token> tokens_;
  std::string literal_;
  Shape shape_ = Shape::general;
};

class Expression {
 public:
  Value eval(const Env& env) const { return eval(root_, env); }
  bool empty() const noexcept { return nodes_.empty(); }

 private:
  friend class Compiler;
  enum class Kind : std::uint8_t {
    constant, field, key, aggregate, call, neg, not_, arith, compare, and_, or_, like, regex, in, is_null
  };
  enum class Func : std::uint8_t { lower, upper, length, substr, coalesce, to_int, to_float, to_str };
  struct Node {
    Kind kind = Kind::constant;
    Op op = Op::literal;
    Func func = Func::lower;
    bool negated = false;
    std::size_t slot = 0;           // field slot, key index or aggregate index
    Value constant;                 // strings point into texts_
    std::vector<int> kids;
    std::shared_ptr<re2::RE2> re;
    std::shared_ptr<LikePattern> like;
  };
  Value eval(int node, const Env& env) const;
  Value call(const Node& n, const Env& env) const;

  std::vector<Node> nodes_;
  // String constants, at addresses that outlive the Expression's copies: std::vector copies
  // an Expression when it grows (the deque's move may throw), and constants must not
  // move with it.
  std::shared_ptr<std::deque<std::string>> texts_ = std::make_shared<std::deque<std::string>>();
  int root_ = -1;
};

// One aggregate a query computes, found while compiling at group level.
struct AggregateSpec {
  std::string canonical;   // count(DISTINCT host): the same aggregate twice is computed once
  std::string function;    // count, sum, min, max, avg, median, percentile
  bool star = false;       // count(*)
  bool distinct = false;   // count(DISTINCT x)
  double fraction = 0.5;   // percentile
  Expression argument;     // record level (empty for count(*))
};

class Compiler {
 public:
  // Record level: fields are read from records through `fields`.
  explicit Compiler(FieldSet& fields) : fields_(&fields) {}
  // Group level: GROUP BY expressions become keys, aggregates are collected into
  // `aggregates` (their arguments compiled at record level through `fields`).
  Compiler(FieldSet& fields, const std::vector<std::unique_ptr<Expr>>& group_by,
           std::vector<AggregateSpec>& aggregates)
      : fields_(&fields), group_by_(&group_by), aggregates_(&aggregates) {}

  // Throws QueryError for what cannot be evaluated (a field outside GROUP BY …).
  Expression compile(const Expr& e);

 private:
  int add(Expression& x, const Expr& e);
  FieldSet* fields_;
  const std::vector<std::unique_ptr<Expr>>* group_by_ = nullptr;
  std::vector<AggregateSpec>* aggregates_ = nullptr;
  std::vector<std::string> group_canonical_;
};

}  // namespace libpipe::query
