#include "libpipe/query_eval.hpp"

#include <re2/re2.h>

#include <cmath>
#include <cstring>
#include <fmt/format.h>

namespace libpipe::query {

Truth truth(const Value& v) {
  switch (v.type) {
    case Type::boolean: return v.b ? Truth::yes : Truth::no;
    case Type::integer: return v.i != 0 ? Truth::yes : Truth::no;
    case Type::real: return v.d != 0 ? Truth::yes : Truth::no;
    default: return Truth::unknown;
  }
}

Value from_json(const JsonValue& v) {
  using K = JsonValue::Kind;
  switch (v.kind) {
    case K::missing:
    case K::null: return Value::null();
    case K::boolean: return Value::boolean(v.boolean);
    case K::integer: return Value::integer(v.integer);
    case K::real: {
      // Integers beyond 64 bits (up to 128) stay exact.
      if (!v.text.empty() && v.text.size() < 39 && v.text.find_first_of(".eE") == std::string_view::npos) {
        int128 n = 0;
        bool neg = v.text[0] == '-';
        for (char c : v.text.substr(neg ? 1 : 0)) n = n * 10 + (c - '0');
        return Value::integer(neg ? -n : n);
      }
      return Value::real(v.real);
    }
    case K::string: return Value::string(v.text);
    case K::object:
    case K::array: return Value::json(v.text);
  }
  return Value::null();
}

// ---- LIKE ------------------------------------------------------------------------

namespace {

std::size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;  // a stray byte counts as one character
}

std::size_t count_chars(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); i += utf8_length(static_cast<unsigned char>(s[i]))) ++n;
  return n;
}

}  // namespace

LikePattern::LikePattern(std::string_view p) {
  bool wildcard_inside = false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      tokens_.push_back({Piece::byte, p[++i]});
    } else if (c == '%') {
      if (tokens_.empty() || tokens_.back().kind != Piece::percent) tokens_.push_back({Piece::percent, 0});
    } else if (c == '_') {
      tokens_.push_back({Piece::any, 0});
      wildcard_inside = true;
    } else {
      tokens_.push_back({Piece::byte, c});
    }
  }
  // Most patterns are one literal with % at either end: those are a search, not a match.
  std::size_t b = 0, e = tokens_.size();
  bool lead = b < e && tokens_[b].kind == Piece::percent;
  if (lead) ++b;
  bool trail = e > b && tokens_[e - 1].kind == Piece::percent;
  if (trail) --e;
  for (std::size_t i = b; i < e; ++i) {
    if (tokens_[i].kind != Piece::byte) wildcard_inside = true;
    literal_ += tokens_[i].c;
  }
  if (!wildcard_inside) shape_ = lead ? (trail ? Shape::contains : Shape::suffix) : (trail ? Shape::prefix : Shape::equal);
}

bool LikePattern::matches(std::string_view s) const {
  switch (shape_) {
    case Shape::equal: return s == literal_;
    case Shape::prefix: return s.starts_with(literal_);
    case Shape::suffix: return s.ends_with(literal_);
    case Shape::contains: return s.find(literal_) != std::string_view::npos;
    case Shape::general: break;
  }
  // Wildcard matching with one backtracking point: linear in practice, O(n*m) at worst.
  std::size_t p = 0, i = 0, star = std::string::npos, star_i = 0;
  while (i < s.size()) {
    if (p < tokens_.size() && tokens_[p].kind == Piece::byte && tokens_[p].c == s[i]) {
      ++p;
      ++i;
    } else if (p < tokens_.size() && tokens_[p].kind == Piece::any) {
      ++p;
      i = std::min(s.size(), i + utf8_length(static_cast<unsigned char>(s[i])));
    } else if (p < tokens_.size() && tokens_[p].kind == Piece::percent) {
      star = p++;
      star_i = i;
    } else if (star != std::string::npos) {
      p = star + 1;
      star_i = std::min(s.size(), star_i + utf8_length(static_cast<unsigned char>(s[star_i])));
      i = star_i;
    } else {
      return false;
    }
  }
  while (p < tokens_.size() && tokens_[p].kind == Piece::percent) ++p;
  return p == tokens_.size();
}

// ---- evaluation ------------------------------------------------------------------

namespace {

// A number from a number or a numeric string; nothing for anything else.
std::optional<Value> as_number(const Value& v) {
  if (v.is_number()) return v;
  if (v.type == Type::string) return number_from_string(v.s);
  return std::nullopt;
}

Value arithmetic(Op op, const Value& x, const Value& y) {
  auto a = as_number(x), b = as_number(y);
  if (!a || !b) return Value::null();
  if (a->type == Type::integer && b->type == Type::integer) {
    int128 r = 0;
    switch (op) {
      case Op::add:
        if (!__builtin_add_overflow(a->i, b->i, &r)) return Value::integer(r);
        break;
      case Op::sub:
        if (!__builtin_sub_overflow(a->i, b->i, &r)) return Value::integer(r);
        break;
      case Op::mul:
        if (!__builtin_mul_overflow(a->i, b->i, &r)) return Value::integer(r);
        break;
      case Op::div:
        if (b->i == 0) return Value::null();
        if (b->i == -1) break;  // the one quotient that can overflow: use doubles
        if (a->i % b->i == 0) return Value::integer(a->i / b->i);
        return Value::real(static_cast<double>(a->i) / static_cast<double>(b->i));
      case Op::mod:
        if (b->i == 0) return Value::null();
        if (b->i == -1) return Value::integer(0);
        return Value::integer(a->i % b->i);
      default: break;
    }
  }
  double p = a->as_double(), q = b->as_double();
  switch (op) {
    case Op::add: return Value::real(p + q);
    case Op::sub: return Value::real(p - q);
    case Op::mul: return Value::real(p * q);
    case Op::div: return q == 0 ? Value::null() : Value::real(p / q);
    case Op::mod: return q == 0 ? Value::null() : Value::real(std::fmod(p, q));
    default: return Value::null();
  }
}

// The text a string function works on: strings as they are, other values as text.
std::string_view text_of(const Value& v, Scratch& scratch) {
  if (v.type == Type::string || v.type == Type::json) return v.s;
  std::string& s = scratch.next();
  append_text_value(s, v);
  return s;
}

// Byte offset of character number n (0-based) in s, or s.size().
std::size_t char_offset(std::string_view s, int128 n) {
  std::size_t i = 0;
  while (n > 0 && i < s.size()) {
    i += utf8_length(static_cast<unsigned char>(s[i]));
    --n;
  }
  return std::min(i, s.size());
}

std::optional<int128> whole_number(const Value& v) {
  auto n = as_number(v);
  if (!n) return std::nullopt;
  if (n->type == Type::integer) return n->i;
  if (!std::isfinite(n->d) || std::fabs(n->d) >= 1.7e38) return std::nullopt;
  return static_cast<int128>(std::trunc(n->d));
}

}  // namespace

Value Expression::call(const Node& n, const Env& env) const {
  Scratch& scratch = *env.scratch;
  if (n.func == Func::coalesce) {
    for (int k : n.kids) {
      Value v = eval(k, env);
      if (!v.is_null()) return v;
    }
    return Value::null();
  }
  Value a = eval(n.kids[0], env);
  if (a.is_null()) return a;
  switch (n.func) {
    case Func::lower:
    case Func::upper: {
      std::string_view t = text_of(a, scratch);
      std::string& s = scratch.next();
      s.assign(t);
      for (char& c : s) {
        if (n.func == Func::lower && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (n.func == Func::upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      }
      return Value::string(s);
    }
    case Func::length: return Value::integer(static_cast<int128>(count_chars(text_of(a, scratch))));
    case Func::substr: {
      std::string_view t = text_of(a, scratch);
      Value sv = eval(n.kids[1], env);
      auto start = whole_number(sv);
      if (!start) return Value::null();
      // SQL: characters start .. start+length-1, counted from 1, clipped to the string.
      int128 from = *start, to = INT64_MAX;
      if (n.kids.size() == 3) {
        auto len = whole_number(eval(n.kids[2], env));
        if (!len || *len < 0) return Value::null();
        to = from + *len;
      }
      if (from < 1) from = 1;
      if (to <= from) return Value::string({});
      std::size_t b = char_offset(t, from - 1);
      std::size_t e = b + char_offset(t.substr(b), to - from);
      return Value::string(t.substr(b, e - b));
    }
    case Func::to_int: {
      if (a.type == Type::boolean) return Value::integer(a.b ? 1 : 0);
      auto w = whole_number(a);
      return w ? Value::integer(*w) : Value::null();
    }
    case Func::to_float: {
      if (a.type == Type::boolean) return Value::real(a.b ? 1 : 0);
      auto num = as_number(a);
      return num ? Value::real(num->as_double()) : Value::null();
    }
    case Func::to_str: return Value::string(text_of(a, scratch));
    case Func::coalesce: break;
  }
  return Value::null();
}

Value Expression::eval(int index, const Env& env) const {
  const Node& n = nodes_[static_cast<std::size_t>(index)];
  switch (n.kind) {
    case Kind::constant: return n.constant;
    case Kind::field: return from_json(env.record[n.slot]);
    case Kind::key: return env.keys[n.slot];
    case Kind::aggregate: return env.aggregates[n.slot];
    case Kind::call: return call(n, env);
    case Kind::neg: {
      Value a = eval(n.kids[0], env);
      auto num = as_number(a);
      if (!num) return Value::null();
      if (num->type == Type::integer) return Value::integer(-num->i);
      return Value::real(-num->d);
    }
    case Kind::not_: {
      Truth t = truth(eval(n.kids[0], env));
      return t == Truth::unknown ? Value::null() : Value::boolean(t == Truth::no);
    }
    case Kind::arith: return arithmetic(n.op, eval(n.kids[0], env), eval(n.kids[1], env));
    case Kind::compare: {
      std::optional<int> c;
      const Node& left = nodes_[static_cast<std::size_t>(n.kids[0])];
      const Node& right = nodes_[static_cast<std::size_t>(n.kids[1])];
      if (left.kind == Kind::field && right.kind == Kind::constant && right.constant.type == Type::integer &&
          env.record[left.slot].kind == JsonValue::Kind::integer) {
        // The usual filter, an integer field against an integer (status = 404, bytes > 1000000),
        // compared directly: what compare_sql does for two integers.
        int128 a = env.record[left.slot].integer, b = right.constant.i;
        c = a < b ? -1 : a > b ? 1 : 0;
      } else {
        c = compare_sql(eval(n.kids[0], env), eval(n.kids[1], env));
      }
      if (!c) return Value::null();
      switch (n.op) {
        case Op::eq: return Value::boolean(*c == 0);
        case Op::ne: return Value::boolean(*c != 0);
        case Op::lt: return Value::boolean(*c < 0);
        case Op::le: return Value::boolean(*c <= 0);
        case Op::gt: return Value::boolean(*c > 0);
        default: return Value::boolean(*c >= 0);
      }
    }
    case Kind::and_: {
      Truth a = truth(eval(n.kids[0], env));
      if (a == Truth::no) return Value::boolean(false);
      Truth b = truth(eval(n.kids[1], env));
      if (b == Truth::no) return Value::boolean(false);
      if (a == Truth::unknown || b == Truth::unknown) return Value::null();
      return Value::boolean(true);
    }
    case Kind::or_: {
      Truth a = truth(eval(n.kids[0], env));
      if (a == Truth::yes) return Value::boolean(true);
      Truth b = truth(eval(n.kids[1], env));
      if (b == Truth::yes) return Value::boolean(true);
      if (a == Truth::unknown || b == Truth::unknown) return Value::null();
      return Value::boolean(false);
    }
    case Kind::like: {
      Value a = eval(n.kids[0], env);
      if (a.is_null()) return a;
      return Value::boolean(n.like->matches(text_of(a, *env.scratch)) != n.negated);
    }
    case Kind::regex: {
      Value a = eval(n.kids[0], env);
      if (a.is_null()) return a;
      std::string_view t = text_of(a, *env.scratch);
      return Value::boolean(RE2::PartialMatch(re2::StringPiece(t.data(), t.size()), *n.re) != n.negated);
    }
    case Kind::in: {
      Value a = eval(n.kids[0], env);
      if (a.is_null()) return a;
      bool saw_null = false;
      for (std::size_t k = 1; k < n.kids.size(); ++k) {
        auto c = compare_sql(a, eval(n.kids[k], env));
        if (!c) {
          saw_null = true;
        } else if (*c == 0) {
          return Value::boolean(!n.negated);
        }
      }
      return saw_null ? Value::null() : Value::boolean(n.negated);
    }
    case Kind::is_null: return Value::boolean(eval(n.kids[0], env).is_null() != n.negated);
  }
  return Value::null();
}

// ---- compiling -------------------------------------------------------------------

Expression Compiler::compile(const Expr& e) {
  if (group_by_ && group_canonical_.empty()) {
    for (const auto& g : *group_by_) group_canonical_.push_back(canonical(*g));
  }
  Expression x;
  x.root_ = add(x, e);
  return x;
}

int Compiler::add(Expression& x, const Expr& e) {
  using Kind = Expression::Kind;
  using Func = Expression::Func;
  Expression::Node n;
  n.op = e.op;
  n.negated = e.negated;
  if (group_by_) {
    std::string c = canonical(e);
    for (std::size_t k = 0; k < group_canonical_.size(); ++k) {
      if (group_canonical_[k] == c) {
        n.kind = Kind::key;
        n.slot = k;
        x.nodes_.push_back(std::move(n));
        return static_cast<int>(x.nodes_.size() - 1);
      }
    }
    if (e.op == Op::aggregate) {
      std::size_t k = 0;
      while (k < aggregates_->size() && (*aggregates_)[k].canonical != c) ++k;
      if (k == aggregates_->size()) {
        AggregateSpec spec;
        spec.canonical = c;
        spec.function = e.text;
        spec.star = e.star;
        spec.distinct = e.distinct;
        if (e.text == "percentile") {
          const Expr& f = *e.args[1];
          spec.fraction = f.lit == Literal::integer ? static_cast<double>(f.integer) : f.real;
        }
        if (!e.star) spec.argument = Compiler(*fields_).compile(*e.args[0]);
        aggregates_->push_back(std::move(spec));
      }
      n.kind = Kind::aggregate;
      n.slot = k;
      x.nodes_.push_back(std::move(n));
      return static_cast<int>(x.nodes_.size() - 1);
    }
    if (e.op == Op::field) {
      throw QueryError(e.begin, fmt::format("'{}' is neither in GROUP BY nor inside an aggregate, so it has no "
                                            "single value per group: add it to GROUP BY or use min({}), max({}) …",
                                            canonical(e), canonical(e), canonical(e)));
    }
  }
  switch (e.op) {
    case Op::literal:
      n.kind = Kind::constant;
      switch (e.lit) {
        case Literal::null: break;
        case Literal::boolean: n.constant = Value::boolean(e.boolean); break;
        case Literal::integer: n.constant = Value::integer(e.integer); break;
        case Literal::real: n.constant = Value::real(e.real); break;
        case Literal::string:
          x.texts_->push_back(e.text);
          n.constant = Value::string(x.texts_->back());
          break;
      }
      break;
    case Op::field:
      n.kind = Kind::field;
      n.slot = fields_->add(e.path);
      break;
    case Op::aggregate:
      // Only reached at record level: the parser keeps aggregates out of WHERE and GROUP BY,
      // and an aggregate's own argument cannot hold another.
      throw QueryError(e.begin, fmt::format("the aggregate {}() is not allowed here", e.text));
    case Op::call: {
      n.kind = Kind::call;
      static const std::pair<std::string_view, Func> funcs[] = {
          {"lower", Func::lower}, {"upper", Func::upper}, {"length", Func::length},  {"substr", Func::substr},
          {"coalesce", Func::coalesce}, {"int", Func::to_int}, {"float", Func::to_float}, {"str", Func::to_str}};
      for (auto [name, f] : funcs) {
        if (name == e.text) n.func = f;
      }
      break;
    }
    case Op::neg: n.kind = Kind::neg; break;
    case Op::not_: n.kind = Kind::not_; break;
    case Op::add:
    case Op::sub:
    case Op::mul:
    case Op::div:
    case Op::mod: n.kind = Kind::arith; break;
    case Op::eq:
    case Op::ne:
    case Op::lt:
    case Op::le:
    case Op::gt:
    case Op::ge: n.kind = Kind::compare; break;
    case Op::and_: n.kind = Kind::and_; break;
    case Op::or_: n.kind = Kind::or_; break;
    case Op::like:
      n.kind = Kind::like;
      n.like = std::make_shared<LikePattern>(e.args[1]->text);
      break;
    case Op::regex: {
      n.kind = Kind::regex;
      RE2::Options opts;
      opts.set_log_errors(false);
      n.re = std::make_shared<RE2>(e.args[1]->text, opts);
      if (!n.re->ok()) throw QueryError(e.args[1]->begin, fmt::format("bad regular expression: {}", n.re->error()));
      break;
    }
    case Op::in: n.kind = Kind::in; break;
    case Op::is_null: n.kind = Kind::is_null; break;
  }
  std::size_t operands = e.args.size();
  if (n.kind == Kind::like || n.kind == Kind::regex) operands = 1;  // the pattern is compiled in
  for (std::size_t k = 0; k < operands; ++k) n.kids.push_back(add(x, *e.args[k]));
  x.nodes_.push_back(std::move(n));
  return static_cast<int>(x.nodes_.size() - 1);
}

}  // namespace libpipe::query
