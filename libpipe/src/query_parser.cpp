#include "libpipe/query_parser.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

#include "libpipe/query_value.hpp"

namespace libpipe::query {

// ---- errors ----------------------------------------------------------------------

std::string describe_error(std::string_view query, const QueryError& e, std::string_view kind) {
  std::size_t off = std::min(e.offset(), query.size());
  std::size_t line_begin = query.rfind('\n', off == 0 ? 0 : off - 1);
  line_begin = (line_begin == std::string_view::npos || off == 0) ? 0 : line_begin + 1;
  if (off > 0 && query[off - 1] == '\n') line_begin = off;
  std::size_t line_end = query.find('\n', off);
  if (line_end == std::string_view::npos) line_end = query.size();
  std::size_t line_no = 1 + static_cast<std::size_t>(std::count(query.begin(), query.begin() + line_begin, '\n'));
  // Columns count characters, not bytes, so the caret sits under the right one.
  std::string caret;
  std::size_t column = 1;
  for (std::size_t i = line_begin; i < off; ++i) {
    unsigned char c = static_cast<unsigned char>(query[i]);
    if ((c & 0xC0) == 0x80) continue;
    caret += c == '\t' ? '\t' : ' ';
    ++column;
  }
  std::string where = line_no > 1 || query.find('\n') != std::string_view::npos
                          ? fmt::format("line {}, column {}", line_no, column)
                          : fmt::format("column {}", column);
  std::string line(query.substr(line_begin, line_end - line_begin));
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t') c = ' ';
  }
  return fmt::format("{} at {}: {}\n  {}\n  {}^", kind, where, e.what(), line, caret);
}

// ---- tokens ----------------------------------------------------------------------

bool Token::is_keyword(std::string_view kw) const {
  if (kind != Tok::name || quoted || text.size() != kw.size()) return false;
  for (std::size_t i = 0; i < kw.size(); ++i) {
    char c = text[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != kw[i]) return false;
  }
  return true;
}

namespace {

bool name_start(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool name_char(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

}  // namespace

std::vector<Token> tokenize(std::string_view q) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (true) {
    while (i < q.size() && (q[i] == ' ' || q[i] == '\t' || q[i] == '\n' || q[i] == '\r')) ++i;
    Token t;
    t.offset = i;
    if (i == q.size()) {
      out.push_back(std::move(t));
      return out;
    }
    unsigned char c = static_cast<unsigned char>(q[i]);
    if (c == '\'' || c == '"') {
      // SQL quoting: a doubled quote stands for itself; backslashes are plain characters,
      // so regular expressions need no extra escaping.
      t.kind = Tok::string;
      std::size_t j = i + 1;
      for (;;) {
        if (j >= q.size()) throw QueryError(i, fmt::format("unclosed string: no closing {}", static_cast<char>(c)));
        if (static_cast<unsigned char>(q[j]) == c) {
          if (j + 1 < q.size() && static_cast<unsigned char>(q[j + 1]) == c) {
            t.text += static_cast<char>(c);
            j += 2;
            continue;
          }
          break;
        }
        t.text += q[j++];
      }
      t.length = j + 1 - i;
    } else if (c == '`') {
      std::size_t close = q.find('`', i + 1);
      if (close == std::string_view::npos) throw QueryError(i, "unclosed backquote: no closing `");
      if (close == i + 1) throw QueryError(i, "empty name in backquotes");
      t.kind = Tok::name;
      t.quoted = true;
      t.text.assign(q.substr(i + 1, close - i - 1));
      t.length = close + 1 - i;
    } else if (std::isdigit(c) || (c == '.' && i + 1 < q.size() && std::isdigit(static_cast<unsigned char>(q[i + 1])) &&
                                   (out.empty() || out.back().kind != Tok::name))) {
      std::size_t j = i;
      bool real = false;
      while (j < q.size() && std::isdigit(static_cast<unsigned char>(q[j]))) ++j;
      if (j < q.size() && q[j] == '.' && j + 1 < q.size() && std::isdigit(static_cast<unsigned char>(q[j + 1]))) {
        real = true;
        ++j;
        while (j < q.size() && std::isdigit(static_cast<unsigned char>(q[j]))) ++j;
      }
      if (j < q.size() && (q[j] == 'e' || q[j] == 'E')) {
        std::size_t k = j + 1;
        if (k < q.size() && (q[k] == '+' || q[k] == '-')) ++k;
        if (k < q.size() && std::isdigit(static_cast<unsigned char>(q[k]))) {
          real = true;
          j = k;
          while (j < q.size() && std::isdigit(static_cast<unsigned char>(q[j]))) ++j;
        }
      }
      if (j < q.size() && name_char(static_cast<unsigned char>(q[j]))) {
        throw QueryError(j, "a number runs into a name: put a space or an operator between them");
      }
      t.kind = real ? Tok::real : Tok::integer;
      t.text.assign(q.substr(i, j - i));
      t.length = j - i;
    } else if (name_start(c)) {
      std::size_t j = i;
      while (j < q.size() && name_char(static_cast<unsigned char>(q[j]))) ++j;
      t.kind = Tok::name;
      t.text.assign(q.substr(i, j - i));
      t.length = j - i;
    } else {
      static constexpr std::string_view two[] = {"==", "!=", "<>", "<=", ">=", "!~"};
      t.kind = Tok::symbol;
      for (auto s : two) {
        if (q.substr(i, 2) == s) t.text = s;
      }
      if (t.text.empty()) {
        if (std::string_view("(),.*+-/%=<>~").find(static_cast<char>(c)) == std::string_view::npos) {
          if (c == '[' || c == ']') {
            throw QueryError(i, fmt::format("'{}' is not part of the field syntax: write a.b.c for nested fields, "
                                            "and `odd key` in backquotes for keys with other characters",
                                            static_cast<char>(c)));
          }
          if (c == '!') throw QueryError(i, "unexpected '!': use != or !~, or NOT");
          if (c < 0x20 || c == 0x7f) throw QueryError(i, fmt::format("unexpected control character 0x{:02x}", c));
          throw QueryError(i, fmt::format("unexpected character '{}'; operators are = != < <= > >= ~ !~ + - * / %",
                                          static_cast<char>(c)));
        }
        t.text = static_cast<char>(c);
      }
      t.length = t.text.size();
    }
    i = t.offset + t.length;
    out.push_back(std::move(t));
  }
}

// ---- syntax tree -----------------------------------------------------------------

std::unique_ptr<Expr> Expr::clone() const {
  auto e = std::make_unique<Expr>();
  e->op = op;
  e->begin = begin;
  e->end = end;
  e->lit = lit;
  e->boolean = boolean;
  e->integer = integer;
  e->real = real;
  e->text = text;
  e->path = path;
  e->negated = negated;
  e->distinct = distinct;
  e->star = star;
  for (const auto& a : args) e->args.push_back(a->clone());
  return e;
}

bool contains_aggregate(const Expr& e) {
  if (e.op == Op::aggregate) return true;
  for (const auto& a : e.args) {
    if (contains_aggregate(*a)) return true;
  }
  return false;
}

bool Query::has_aggregates() const {
  for (const auto& s : select) {
    if (s.expr && contains_aggregate(*s.expr)) return true;
  }
  if (having && contains_aggregate(*having)) return true;
  for (const auto& o : order_by) {
    if (contains_aggregate(*o.expr)) return true;
  }
  return false;
}

const std::vector<std::string_view>& scalar_function_names() {
  static const std::vector<std::string_view> names = {"lower", "upper", "length", "substr", "coalesce",
                                                      "int",   "float", "str"};
  return names;
}

const std::vector<std::string_view>& aggregate_names() {
  static const std::vector<std::string_view> names = {"count", "sum", "min", "max", "avg", "median", "percentile"};
  return names;
}

namespace {

const char* op_text(Op op) {
  switch (op) {
    case Op::add: return "+";
    case Op::sub: return "-";
    case Op::mul: return "*";
    case Op::div: return "/";
    case Op::mod: return "%";
    case Op::eq: return "=";
    case Op::ne: return "!=";
    case Op::lt: return "<";
    case Op::le: return "<=";
    case Op::gt: return ">";
    case Op::ge: return ">=";
    case Op::and_: return "AND";
    case Op::or_: return "OR";
    default: return "?";
  }
}

void quote_into(std::string& out, std::string_view s) {
  out += '\'';
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
}

void canonical_into(std::string& out, const Expr& e) {
  switch (e.op) {
    case Op::literal:
      switch (e.lit) {
        case Literal::null: out += "NULL"; return;
        case Literal::boolean: out += e.boolean ? "TRUE" : "FALSE"; return;
        case Literal::integer: out += std::to_string(e.integer); return;
        // -0.0 is written 0: "-0" would read back as the integer 0 (found by fuzzing: ---.0).
        case Literal::real: append_json_value(out, Value::real(e.real == 0 ? 0.0 : e.real)); return;
        case Literal::string: quote_into(out, e.text); return;
      }
      return;
    case Op::field:
      // Parts that are not plain names are backquoted, so the text parses back the same.
      for (std::size_t i = 0; i < e.path.parts().size(); ++i) {
        const std::string& part = e.path.parts()[i];
        if (i) out += '.';
        bool plain = !part.empty() && !std::isdigit(static_cast<unsigned char>(part[0]));
        for (char c : part) {
          if (!name_char(static_cast<unsigned char>(c))) plain = false;
        }
        if (plain) {
          out += part;
        } else {
          out += '`';
          out += part;
          out += '`';
        }
      }
      return;
    case Op::call:
    case Op::aggregate:
      out += e.text;
      out += '(';
      if (e.distinct) out += "DISTINCT ";
      if (e.star) out += '*';
      for (std::size_t i = 0; i < e.args.size(); ++i) {
        if (i) out += ", ";
        canonical_into(out, *e.args[i]);
      }
      out += ')';
      return;
    case Op::neg:
      out += "(-";
      canonical_into(out, *e.args[0]);
      out += ')';
      return;
    case Op::not_:
      out += "(NOT ";
      canonical_into(out, *e.args[0]);
      out += ')';
      return;
    case Op::like:
    case Op::regex:
      out += '(';
      canonical_into(out, *e.args[0]);
      out += e.op == Op::like ? (e.negated ? " NOT LIKE " : " LIKE ") : (e.negated ? " !~ " : " ~ ");
      canonical_into(out, *e.args[1]);
      out += ')';
      return;
    case Op::in:
      out += '(';
      canonical_into(out, *e.args[0]);
      out += e.negated ? " NOT IN (" : " IN (";
      for (std::size_t i = 1; i < e.args.size(); ++i) {
        if (i > 1) out += ", ";
        canonical_into(out, *e.args[i]);
      }
      out += "))";
      return;
    case Op::is_null:
      out += '(';
      canonical_into(out, *e.args[0]);
      out += e.negated ? " IS NOT NULL)" : " IS NULL)";
      return;
    default:
      out += '(';
      canonical_into(out, *e.args[0]);
      out += ' ';
      out += op_text(e.op);
      out += ' ';
      canonical_into(out, *e.args[1]);
      out += ')';
      return;
  }
}

// Binding powers, loosest first.
constexpr int bp_or = 1, bp_and = 2, bp_not = 3, bp_compare = 4, bp_add = 5, bp_mul = 6, bp_unary = 7;

const std::string_view clause_keywords[] = {"SELECT", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "FROM",
                                            "BY",     "AS",    "ASC",   "DESC",   "DISTINCT"};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), toks_(tokenize(text)) {}

  Query parse_query() {
    Query q;
    q.text = std::string(text_);
    if (at().kind == Tok::end) throw QueryError(0, "empty query: expected SELECT, WHERE or a condition");
    if (at().is_keyword("SELECT")) {
      next();
      if (at().is_keyword("DISTINCT")) {
        next();
        q.distinct = true;
      }
      parse_select_list(q);
    } else if (starts_clause()) {
      q.select.push_back(SelectItem{true, nullptr, "*"});
    } else {
      // The shorthand: a bare condition is SELECT * WHERE cond.
      q.select.push_back(SelectItem{true, nullptr, "*"});
      q.where = parse_condition("the query");
      check_no_aggregate(*q.where, "WHERE");
      expect_clause_end("the condition");
    }
    if (at().is_keyword("FROM")) {
      throw QueryError(at().offset, "FROM is not needed: gquery reads its records from its input (files or standard input)");
    }
    if (at().is_keyword("WHERE")) {
      next();
      q.where = parse_condition("WHERE");
      check_no_aggregate(*q.where, "WHERE");
      expect_clause_end("the WHERE condition");
    }
    if (at().is_keyword("GROUP")) {
      next();
      expect_keyword("BY", "GROUP");
      do {
        auto e = parse_expr(0, "GROUP BY");
        check_no_aggregate(*e, "GROUP BY");
        q.group_by.push_back(std::move(e));
      } while (accept_symbol(","));
      expect_clause_end("the GROUP BY list");
    }
    if (at().is_keyword("HAVING")) {
      next();
      q.having = parse_condition("HAVING");
      resolve_aliases(q, q.having);
      expect_clause_end("the HAVING condition");
    }
    if (at().is_keyword("ORDER")) {
      next();
      expect_keyword("BY", "ORDER");
      do {
        OrderItem item;
        const Token& start = at();
        item.expr = parse_expr(0, "ORDER BY");
        // ORDER BY 2: the second SELECT item, as in SQL.
        if (item.expr->op == Op::literal && item.expr->lit == Literal::integer) {
          auto n = item.expr->integer;
          if (n < 1 || static_cast<std::size_t>(n) > q.select.size() || q.select[static_cast<std::size_t>(n) - 1].star) {
            throw QueryError(start.offset, fmt::format("ORDER BY {}: there is no SELECT item {} to sort by", n, n));
          }
          item.expr = q.select[static_cast<std::size_t>(n) - 1].expr->clone();
        }
        resolve_aliases(q, item.expr);
        if (at().is_keyword("DESC")) {
          item.descending = true;
          next();
        } else if (at().is_keyword("ASC")) {
          next();
        }
        q.order_by.push_back(std::move(item));
      } while (accept_symbol(","));
      expect_clause_end("the ORDER BY list");
    }
    if (at().is_keyword("LIMIT")) {
      next();
      if (at().kind != Tok::integer) throw QueryError(at().offset, "expected a whole number after LIMIT");
      std::uint64_t n = 0;
      auto [p, ec] = std::from_chars(at().text.data(), at().text.data() + at().text.size(), n);
      if (ec != std::errc()) throw QueryError(at().offset, "LIMIT is too large");
      q.limit = n;
      next();
    }
    if (at().kind != Tok::end) {
      if (at().is_keyword("WHERE") || at().is_keyword("GROUP") || at().is_keyword("HAVING") ||
          at().is_keyword("ORDER") || at().is_keyword("LIMIT") || at().is_keyword("SELECT")) {
        throw QueryError(at().offset, fmt::format("{} is out of place: the clauses go in the order SELECT, WHERE, "
                                                  "GROUP BY, HAVING, ORDER BY, LIMIT", upper(at().text)));
      }
      throw QueryError(at().offset, fmt::format("unexpected {} at the end of the query", describe(at())));
    }
    if (q.having && !q.grouped()) {
      throw QueryError(q.having->begin, "HAVING needs GROUP BY or an aggregate");
    }
    return q;
  }

 private:
  const Token& at() const { return toks_[pos_]; }
  const Token& next() { return toks_[pos_++]; }
  const Token& previous() const { return toks_[pos_ == 0 ? 0 : pos_ - 1]; }

  bool accept_symbol(std::string_view s) {
    if (at().is_symbol(s)) {
      next();
      return true;
    }
    return false;
  }

  static std::string upper(std::string s) {
    for (char& c : s) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return s;
  }

  static bool is_clause_keyword(const Token& t) {
    for (auto kw : clause_keywords) {
      if (t.is_keyword(kw)) return true;
    }
    static constexpr std::string_view ops[] = {"AND", "OR", "NOT", "LIKE", "IN", "IS"};
    for (auto kw : ops) {
      if (t.is_keyword(kw)) return true;
    }
    return false;
  }

  static std::string describe(const Token& t) {
    switch (t.kind) {
      case Tok::end: return "the end of the query";
      case Tok::name: return is_clause_keyword(t) ? upper(t.text) : fmt::format("'{}'", t.text);
      case Tok::string: return fmt::format("the string '{}'", t.text);
      case Tok::integer:
      case Tok::real: return fmt::format("the number {}", t.text);
      case Tok::symbol: return fmt::format("'{}'", t.text);
    }
    return "?";
  }

  bool starts_clause() const {
    return at().is_keyword("WHERE") || at().is_keyword("GROUP") || at().is_keyword("ORDER") ||
           at().is_keyword("LIMIT") || at().is_keyword("HAVING");
  }

  void expect_keyword(std::string_view kw, std::string_view after) {
    if (!at().is_keyword(kw)) throw QueryError(at().offset, fmt::format("expected {} after {}", kw, after));
    next();
  }

  void expect_clause_end(std::string_view what) {
    if (at().kind == Tok::end || starts_clause() || at().is_keyword("FROM")) return;
    if (at().is_keyword("ASC") || at().is_keyword("DESC")) return;
    throw QueryError(at().offset, fmt::format("unexpected {} after {}", describe(at()), what));
  }

  void parse_select_list(Query& q) {
    do {
      SelectItem item;
      if (at().is_symbol("*")) {
        next();
        item.star = true;
        item.name = "*";
      } else {
        item.expr = parse_expr(0, previous().is_symbol(",") ? "','" : (q.distinct ? "DISTINCT" : "SELECT"));
        item.name = std::string(trim(text_.substr(item.expr->begin, item.expr->end - item.expr->begin)));
        if (at().is_keyword("AS")) {
          next();
          if (at().kind != Tok::name && at().kind != Tok::string) {
            throw QueryError(at().offset, "expected a name after AS");
          }
          item.name = next().text;
        }
      }
      q.select.push_back(std::move(item));
    } while (accept_symbol(","));
    if (at().kind != Tok::end && !starts_clause() && !at().is_keyword("FROM")) {
      throw QueryError(at().offset, fmt::format("unexpected {} after a SELECT item; expected ',', AS, WHERE, GROUP BY, "
                                                "HAVING, ORDER BY, LIMIT or the end of the query",
                                                describe(at())));
    }
  }

  static std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
    return s;
  }

  // ORDER BY and HAVING may name a SELECT item by its alias (or its name as written).
  static void resolve_aliases(const Query& q, std::unique_ptr<Expr>& e) {
    if (e->op == Op::field && e->path.parts().size() == 1) {
      for (const auto& item : q.select) {
        if (!item.star && item.name == e->path.parts()[0] && !(item.expr->op == Op::field && item.expr->path == e->path)) {
          e = item.expr->clone();
          return;
        }
      }
      return;
    }
    if (e->op == Op::aggregate) return;
    for (auto& a : e->args) resolve_aliases(q, a);
  }

  void check_no_aggregate(const Expr& e, std::string_view clause) {
    if (e.op == Op::aggregate) {
      throw QueryError(e.begin, fmt::format("the aggregate {}() is not allowed in {}{}", e.text, clause,
                                            clause == "WHERE" ? " (use HAVING)" : ""));
    }
    for (const auto& a : e.args) check_no_aggregate(*a, clause);
  }

  std::unique_ptr<Expr> parse_condition(std::string_view after) { return parse_expr(0, after); }

  std::unique_ptr<Expr> make(Op op, std::size_t begin) {
    auto e = std::make_unique<Expr>();
    e->op = op;
    e->begin = begin;
    return e;
  }

  void finish(Expr& e) { e.end = previous().offset + previous().length; }

  // Pratt: a prefix, then operators that bind tighter than min_bp.
  std::unique_ptr<Expr> parse_expr(int min_bp, std::string_view after) {
    auto left = parse_prefix(after);
    for (;;) {
      const Token& t = at();
      int bp = 0;
      Op op{};
      bool negated = false;
      if (t.is_keyword("OR")) {
        bp = bp_or, op = Op::or_;
      } else if (t.is_keyword("AND")) {
        bp = bp_and, op = Op::and_;
      } else if (t.kind == Tok::symbol) {
        const std::string& s = t.text;
        if (s == "=" || s == "==") bp = bp_compare, op = Op::eq;
        else if (s == "!=" || s == "<>") bp = bp_compare, op = Op::ne;
        else if (s == "<") bp = bp_compare, op = Op::lt;
        else if (s == "<=") bp = bp_compare, op = Op::le;
        else if (s == ">") bp = bp_compare, op = Op::gt;
        else if (s == ">=") bp = bp_compare, op = Op::ge;
        else if (s == "~") bp = bp_compare, op = Op::regex;
        else if (s == "!~") bp = bp_compare, op = Op::regex, negated = true;
        else if (s == "+") bp = bp_add, op = Op::add;
        else if (s == "-") bp = bp_add, op = Op::sub;
        else if (s == "*") bp = bp_mul, op = Op::mul;
        else if (s == "/") bp = bp_mul, op = Op::div;
        else if (s == "%") bp = bp_mul, op = Op::mod;
      } else if (t.is_keyword("LIKE")) {
        bp = bp_compare, op = Op::like;
      } else if (t.is_keyword("IN")) {
        bp = bp_compare, op = Op::in;
      } else if (t.is_keyword("IS")) {
        bp = bp_compare, op = Op::is_null;
      } else if (t.is_keyword("NOT") && (toks_[pos_ + 1].is_keyword("LIKE") || toks_[pos_ + 1].is_keyword("IN"))) {
        bp = bp_compare;
        op = toks_[pos_ + 1].is_keyword("LIKE") ? Op::like : Op::in;
        negated = true;
      }
      if (bp == 0 || bp <= min_bp) return left;
      std::string op_name = describe(t);
      next();
      if (negated && (op == Op::like || op == Op::in)) {
        op_name = "NOT " + describe(at());
        next();
      }
      auto e = make(op, left->begin);
      e->negated = negated;
      e->args.push_back(std::move(left));
      if (op == Op::is_null) {
        if (at().is_keyword("NOT")) {
          next();
          e->negated = true;
        }
        if (!at().is_keyword("NULL")) throw QueryError(at().offset, "expected NULL or NOT NULL after IS");
        next();
      } else if (op == Op::in) {
        if (!accept_symbol("(")) throw QueryError(at().offset, fmt::format("expected '(' and a list of values after {}", op_name));
        do {
          e->args.push_back(parse_expr(0, e->args.size() == 1 ? "'('" : "','"));
        } while (accept_symbol(","));
        if (!accept_symbol(")")) throw QueryError(at().offset, fmt::format("expected ',' or ')' in the list of {}", op_name));
      } else if (op == Op::like || op == Op::regex) {
        if (at().kind != Tok::string) {
          throw QueryError(at().offset, op == Op::like
                                            ? fmt::format("expected a quoted pattern after {}, like '%robots.txt%'", op_name)
                                            : fmt::format("expected a quoted regular expression after {}, like '\\.gz$'", op_name));
        }
        if (op == Op::regex) {
          RE2::Options opts;
          opts.set_log_errors(false);
          RE2 re(at().text, opts);
          if (!re.ok()) throw QueryError(at().offset, fmt::format("bad regular expression: {}", re.error()));
        }
        e->args.push_back(parse_prefix(op_name));
      } else {
        // Comparisons do not chain (a < b < c is a mistake in SQL too).
        e->args.push_back(parse_expr(bp, op_name));
        if (bp == bp_compare && is_comparison(at())) {
          throw QueryError(at().offset, fmt::format("comparisons do not chain: use AND, as in a < b AND b < c"));
        }
      }
      finish(*e);
      left = std::move(e);
    }
  }

  static bool is_comparison(const Token& t) {
    if (t.kind != Tok::symbol) return false;
    return t.text == "=" || t.text == "==" || t.text == "!=" || t.text == "<>" || t.text == "<" || t.text == "<=" ||
           t.text == ">" || t.text == ">=";
  }

  std::unique_ptr<Expr> parse_prefix(std::string_view after) {
    const Token& t = at();
    std::size_t begin = t.offset;
    auto expected = [&] {
      return QueryError(t.offset, fmt::format("expected an expression after {}", after == "the query" ? "the start" : after));
    };
    switch (t.kind) {
      case Tok::end: throw expected();
      case Tok::string: {
        auto e = make(Op::literal, begin);
        e->lit = Literal::string;
        e->text = next().text;
        finish(*e);
        return e;
      }
      case Tok::integer: {
        auto e = make(Op::literal, begin);
        const std::string& s = next().text;
        std::int64_t v = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec == std::errc()) {
          e->lit = Literal::integer;
          e->integer = v;
        } else {
          e->lit = Literal::real;
          e->real = std::strtod(s.c_str(), nullptr);
        }
        finish(*e);
        return e;
      }
      case Tok::real: {
        auto e = make(Op::literal, begin);
        e->lit = Literal::real;
        e->real = std::strtod(next().text.c_str(), nullptr);
        // JSON has no infinity, so neither does the language (found by fuzzing: 1E020000).
        if (!std::isfinite(e->real)) throw QueryError(begin, "number too large");
        finish(*e);
        return e;
      }
      case Tok::symbol: {
        if (t.is_symbol("(")) {
          next();
          auto inner = parse_expr(0, "'('");
          if (!accept_symbol(")")) {
            throw QueryError(at().offset, fmt::format("expected ')' to close the '(' at column {}, found {}",
                                                      begin + 1, describe(at())));
          }
          inner->begin = begin;
          finish(*inner);
          return inner;
        }
        if (t.is_symbol("-")) {
          next();
          auto e = make(Op::neg, begin);
          e->args.push_back(parse_expr(bp_unary, "'-'"));
          finish(*e);
          // -5 is a number, not a negation, so it reads and prints as written.
          Expr& a = *e->args[0];
          if (a.op == Op::literal && a.lit == Literal::integer && a.integer != INT64_MIN) {
            a.integer = -a.integer;
            a.begin = e->begin;
            return std::move(e->args[0]);
          }
          if (a.op == Op::literal && a.lit == Literal::real) {
            a.real = -a.real;
            a.begin = e->begin;
            return std::move(e->args[0]);
          }
          return e;
        }
        if (t.is_symbol("*")) throw QueryError(t.offset, "'*' here: it means all fields only as SELECT * or in count(*)");
        throw expected();
      }
      case Tok::name: break;
    }
    if (t.is_keyword("NOT")) {
      next();
      auto e = make(Op::not_, begin);
      e->args.push_back(parse_expr(bp_not, "NOT"));
      finish(*e);
      return e;
    }
    if (t.is_keyword("NULL") || t.is_keyword("TRUE") || t.is_keyword("FALSE")) {
      auto e = make(Op::literal, begin);
      e->lit = t.is_keyword("NULL") ? Literal::null : Literal::boolean;
      e->boolean = t.is_keyword("TRUE");
      next();
      finish(*e);
      return e;
    }
    if (is_clause_keyword(t)) throw expected();
    if (!t.quoted && toks_[pos_ + 1].is_symbol("(")) return parse_call();
    return parse_field();
  }

  std::unique_ptr<Expr> parse_field() {
    auto e = make(Op::field, at().offset);
    std::vector<std::string> parts;
    parts.push_back(next().text);
    while (at().is_symbol(".")) {
      next();
      if (at().kind != Tok::name && at().kind != Tok::integer) {
        throw QueryError(at().offset, "expected a field name after '.': nested fields are written a.b.c, "
                                      "and `odd key` in backquotes");
      }
      parts.push_back(next().text);
    }
    e->path = FieldPath(std::move(parts));
    finish(*e);
    return e;
  }

  static std::string known_functions() {
    std::string s = "aggregates ";
    for (std::size_t i = 0; i < aggregate_names().size(); ++i) s += (i ? ", " : "") + std::string(aggregate_names()[i]);
    s += "; functions ";
    for (std::size_t i = 0; i < scalar_function_names().size(); ++i) s += (i ? ", " : "") + std::string(scalar_function_names()[i]);
    return s;
  }

  std::unique_ptr<Expr> parse_call() {
    const Token& name_tok = next();
    std::string name = name_tok.text;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool aggregate = std::find(aggregate_names().begin(), aggregate_names().end(), name) != aggregate_names().end();
    bool scalar = std::find(scalar_function_names().begin(), scalar_function_names().end(), name) !=
                  scalar_function_names().end();
    if (!aggregate && !scalar) {
      throw QueryError(name_tok.offset, fmt::format("unknown function '{}'; known: {}", name_tok.text, known_functions()));
    }
    auto e = make(aggregate ? Op::aggregate : Op::call, name_tok.offset);
    e->text = name;
    next();  // (
    std::string after = fmt::format("'{}('", name);
    if (aggregate && at().is_keyword("DISTINCT")) {
      if (name != "count") throw QueryError(at().offset, "DISTINCT is only supported in count(DISTINCT x)");
      e->distinct = true;
      after = "DISTINCT";
      next();
    }
    if (name == "count" && !e->distinct && at().is_symbol("*")) {
      next();
      e->star = true;
    } else if (!at().is_symbol(")")) {
      do {
        auto arg = parse_expr(0, after);
        if (aggregate && contains_aggregate(*arg)) {
          throw QueryError(arg->begin, fmt::format("aggregates cannot be nested inside {}()", name));
        }
        e->args.push_back(std::move(arg));
        after = "','";
      } while (accept_symbol(","));
    }
    if (!accept_symbol(")")) {
      throw QueryError(at().offset, fmt::format("expected ',' or ')' in the arguments of {}(), found {}", name, describe(at())));
    }
    finish(*e);
    check_arity(*e, name_tok.offset);
    return e;
  }

  void check_arity(const Expr& e, std::size_t offset) {
    std::size_t n = e.args.size();
    const std::string& f = e.text;
    auto bad = [&](std::string_view usage) {
      return QueryError(offset, fmt::format("{}() takes {}", f, usage));
    };
    if (f == "count") {
      if (!e.star && n != 1) throw bad("* or one expression: count(*), count(x), count(DISTINCT x)");
    } else if (f == "percentile") {
      if (n != 2) throw bad("two arguments: percentile(x, 0.99)");
      const Expr& p = *e.args[1];
      double v = p.lit == Literal::integer ? static_cast<double>(p.integer) : p.real;
      if (p.op != Op::literal || (p.lit != Literal::integer && p.lit != Literal::real) || !(v >= 0 && v <= 1)) {
        throw QueryError(p.begin, "the fraction of percentile() must be a number from 0 to 1, like 0.99");
      }
    } else if (f == "substr") {
      if (n != 2 && n != 3) throw bad("two or three arguments: substr(s, start) or substr(s, start, length)");
    } else if (f == "coalesce") {
      if (n < 1) throw bad("one or more arguments");
    } else if (n != 1) {
      throw bad("one argument");
    }
  }

  std::string_view text_;
  std::vector<Token> toks_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string canonical(const Expr& e) {
  std::string s;
  canonical_into(s, e);
  return s;
}

Query parse(std::string_view text) {
  Parser p(text);
  return p.parse_query();
}

}  // namespace libpipe::query
