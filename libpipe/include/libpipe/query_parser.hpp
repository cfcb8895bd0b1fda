#pragma once
// gquery's language: the tokenizer, the syntax tree and a Pratt parser with precise errors.
//
//   auto q = libpipe::query::parse("SELECT DISTINCT request WHERE status = 404");
//   q.distinct;                 // true
//   q.where->op;                // Op::eq
//
// A mistake throws QueryError carrying the byte offset of the culprit, which the tool shows
// as `syntax error at column 19: expected an expression after WHERE` over a caret line.
// Functions and aggregates are checked here (names, arity), so an unknown one is reported
// with the list of known ones before any input is read.

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "libpipe/json_reader.hpp"

namespace libpipe::query {

class QueryError : public std::runtime_error {
 public:
  QueryError(std::size_t offset, std::string message)
      : std::runtime_error(message), offset_(offset) {}
  // Byte offset into the query text (its size when the query ended too soon).
  std::size_t offset() const noexcept { return offset_; }

 private:
  std::size_t offset_;
};

// `gquery: syntax error at column C: message`, then the query's line and a caret under C
// (three lines, the first without the tool's name).
std::string describe_error(std::string_view query, const QueryError& e, std::string_view kind = "syntax error");

// ---- tokens ----------------------------------------------------------------------

enum class Tok : std::uint8_t {
  end,
  name,      // identifier or `backquoted` name (also keywords: see Token::keyword)
  string,    // 'text' or "text", escapes decoded
  integer,
  real,
  symbol,    // ( ) , . * + - / % = == != <> < <= > >= ~ !~
};

struct Token {
  Tok kind = Tok::end;
  std::string text;        // name, decoded string, number or symbol as written
  std::size_t offset = 0;  // where it starts in the query
  std::size_t length = 0;  // its length as written
  bool quoted = false;     // a `backquoted` name is never a keyword

  // True when this is the keyword kw (upper case), in any case, not backquoted.
  bool is_keyword(std::string_view kw) const;
  bool is_symbol(std::string_view s) const { return kind == Tok::symbol && text == s; }
};

// Splits a query into tokens, the last of kind end. Throws QueryError (unclosed quote, a
// character that is not part of the language).
std::vector<Token> tokenize(std::string_view query);

// ---- syntax tree -----------------------------------------------------------------

enum class Op : std::uint8_t {
  literal, field, call, aggregate,
  neg, not_,
  add, sub, mul, div, mod,
  eq, ne, lt, le, gt, ge,
  and_, or_,
  like, regex, in, is_null,
};

enum class Literal : std::uint8_t { null, boolean, integer, real, string };

struct Expr {
  Op op = Op::literal;
  std::size_t begin = 0, end = 0;  // its text in the query: [begin, end)

  // literal
  Literal lit = Literal::null;
  bool boolean = false;
  std::int64_t integer = 0;
  double real = 0;
  std::string text;  // string literal; function or aggregate name (lower case)

  FieldPath path{{}};   // field
  bool negated = false;   // NOT LIKE, !~, NOT IN, IS NOT NULL
  bool distinct = false;  // count(DISTINCT x)
  bool star = false;      // count(*)
  std::vector<std::unique_ptr<Expr>> args;  // operands, call arguments, IN list (after the subject)

  std::unique_ptr<Expr> clone() const;
};

struct SelectItem {
  bool star = false;            // SELECT *
  std::unique_ptr<Expr> expr;
  std::string name;             // AS name, else the expression as written
};

struct OrderItem {
  std::unique_ptr<Expr> expr;   // a SELECT alias is replaced by its expression
  bool descending = false;
};

struct Query {
  std::string text;
  bool distinct = false;
  std::vector<SelectItem> select;  // never empty: SELECT * when the query has no SELECT
  std::unique_ptr<Expr> where;
  std::vector<std::unique_ptr<Expr>> group_by;
  std::unique_ptr<Expr> having;
  std::vector<OrderItem> order_by;
  std::optional<std::uint64_t> limit;

  bool has_aggregates() const;  // in SELECT, HAVING or ORDER BY
  bool grouped() const { return has_aggregates() || !group_by.empty(); }
};

// Parses a whole query. Throws QueryError.
Query parse(std::string_view text);

// A canonical spelling of an expression: equal for `COUNT(*)` and `count( * )`, used to
// recognise a GROUP BY expression inside SELECT, HAVING and ORDER BY.
std::string canonical(const Expr& e);

bool contains_aggregate(const Expr& e);

// The known scalar functions and aggregates, for messages and the man page test.
const std::vector<std::string_view>& scalar_function_names();
const std::vector<std::string_view>& aggregate_names();

}  // namespace libpipe::query
