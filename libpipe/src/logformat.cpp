#include "libpipe/logformat.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "libpipe/error.hpp"

namespace libpipe {

namespace {

constexpr std::string_view common_format = R"(%h %l %u %t \"%r\" %>s %b)";
constexpr std::string_view combined_format = R"(%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\")";
constexpr std::string_view vhost_combined_format =
    R"(%v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\")";
// nginx's predefined `combined`.
constexpr std::string_view nginx_format =
    R"($remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent")";

Error format_error(std::string what) { return Error("--format", std::move(what)); }

bool is_lower_ascii_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// A record key from a header or variable name: lower case, anything but letters and
// digits becomes '_' (so gquery can name it), and the two headers of Combined Log Format
// get the names the toolkit uses everywhere.
std::string key_from_name(std::string_view name) {
  std::string key;
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    key += std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '_';
  }
  if (key == "user_agent") return "agent";
  if (key == "referrer") return "referer";
  return key;
}

FieldSpec field(std::string key, FieldType type, std::string directive) {
  FieldSpec f;
  f.keys.push_back(std::move(key));
  f.type = type;
  f.directive = std::move(directive);
  return f;
}

FieldSpec request_field(std::string directive) {
  FieldSpec f;
  f.keys = {"method", "request", "proto"};
  f.type = FieldType::request;
  f.directive = std::move(directive);
  return f;
}

FieldSpec time_field(std::string directive, TimeSyntax syntax, std::string pattern = {}) {
  FieldSpec f = field("datetime", FieldType::time, std::move(directive));
  f.time = syntax;
  f.strftime = std::move(pattern);
  return f;
}

// Whether --time can read what strftime writes with this pattern (time.cpp's reader knows
// these conversions).
bool readable_strftime(std::string_view pattern) {
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') continue;
    if (++i == pattern.size()) return false;
    if (std::string_view("YmdeHMSbhyzTFDRsaA%").find(pattern[i]) == std::string_view::npos) return false;
  }
  return true;
}

FieldSpec apache_time(const std::string& directive, bool has_arg, std::string arg) {
  if (!has_arg) return time_field(directive, TimeSyntax::clf);
  // %{begin:…}t and %{end:…}t: the time the request started or ended; same syntax.
  if (arg.starts_with("begin:")) arg.erase(0, 6);
  else if (arg.starts_with("end:")) arg.erase(0, 4);
  if (arg == "sec") return time_field(directive, TimeSyntax::epoch_s);
  if (arg == "msec") return time_field(directive, TimeSyntax::epoch_ms);
  if (arg == "usec") return time_field(directive, TimeSyntax::epoch_us);
  if (arg == "msec_frac" || arg == "usec_frac") return field("time_frac", FieldType::integer, directive);
  if (arg == "%d/%b/%Y:%H:%M:%S %z") return time_field(directive, TimeSyntax::clf);
  if (readable_strftime(arg)) return time_field(directive, TimeSyntax::strftime, arg);
  return time_field(directive, TimeSyntax::unknown, arg);
}

// One Apache directive: the letter, with its {argument} if any.
FieldSpec apache_directive(char letter, bool has_arg, const std::string& arg, const std::string& directive) {
  auto needs_arg = [&](const char* what) {
    if (!has_arg || arg.empty()) throw format_error("directive " + directive + " needs a " + what + ", like %{" + what + "}" + letter);
  };
  switch (letter) {
    case 'a': return field(has_arg && arg == "c" ? "peer_ip" : "client_ip", FieldType::string, directive);
    case 'A': return field("local_ip", FieldType::string, directive);
    case 'b': return field("bytes", FieldType::bytes, directive);
    case 'B': return field("bytes", FieldType::bytes, directive);
    case 'C': needs_arg("Cookie"); return field("cookie_" + key_from_name(arg), FieldType::string, directive);
    case 'D': return field("duration_us", FieldType::integer, directive);
    case 'e': needs_arg("VARNAME"); return field("env_" + key_from_name(arg), FieldType::string, directive);
    case 'f': return field("filename", FieldType::string, directive);
    case 'h': return field("host", FieldType::string, directive);
    case 'H': return field("proto", FieldType::string, directive);
    case 'i': needs_arg("Header"); return field(key_from_name(arg), FieldType::string, directive);
    case 'I': return field("bytes_received", FieldType::integer, directive);
    case 'k': return field("keepalive", FieldType::integer, directive);
    case 'l': return field("ident", FieldType::string, directive);
    case 'L': return field("log_id", FieldType::string, directive);
    case 'm': return field("method", FieldType::string, directive);
    case 'n': needs_arg("Note"); return field("note_" + key_from_name(arg), FieldType::string, directive);
    case 'o': needs_arg("Header"); return field("resp_" + key_from_name(arg), FieldType::string, directive);
    case 'O': return field("bytes_sent", FieldType::integer, directive);
    case 'p':
      if (has_arg && arg == "remote") return field("remote_port", FieldType::integer, directive);
      if (has_arg && arg == "local") return field("local_port", FieldType::integer, directive);
      return field("port", FieldType::integer, directive);
    case 'P':
      if (has_arg && (arg == "tid" || arg == "hextid")) return field("tid", FieldType::string, directive);
      return field("pid", FieldType::integer, directive);
    case 'q': {
      FieldSpec f = field("query", FieldType::string, directive);
      f.query = true;
      return f;
    }
    case 'r': return request_field(directive);
    case 'R': return field("handler", FieldType::string, directive);
    case 's': return field("status", FieldType::integer, directive);
    case 'S': return field("bytes_transferred", FieldType::integer, directive);
    case 't': return apache_time(directive, has_arg, arg);
    case 'T':
      if (has_arg && arg == "ms") return field("duration_ms", FieldType::integer, directive);
      if (has_arg && arg == "us") return field("duration_us", FieldType::integer, directive);
      return field("duration_s", FieldType::integer, directive);
    case 'u': return field("user", FieldType::string, directive);
    case 'U': return field("request", FieldType::string, directive);
    case 'v': return field("vhost", FieldType::string, directive);
    case 'V': return field("server_name", FieldType::string, directive);
    case 'X': return field("conn_status", FieldType::string, directive);
    default: break;
  }
  throw format_error("unknown directive " + directive);
}

// Builds the steps from a sequence of literals and fields.
class Builder {
 public:
  explicit Builder(std::string name) { format_.name = std::move(name); }

  void literal(std::string_view text) { pending_ += text; }
  void literal(char c) { pending_ += c; }

  void add(FieldSpec spec) {
    if (pending_.empty() && !format_.steps.empty() && !spec.query) {
      throw format_error(format_.steps.back().field.directive + " and " + spec.directive +
                         " have nothing between them, so they cannot be told apart");
    }
    format_.steps.push_back(FormatStep{std::move(pending_), std::move(spec)});
    pending_.clear();
  }

  CompiledFormat finish() {
    if (format_.steps.empty()) throw format_error("'" + format_.name + "' has no fields");
    format_.after = std::move(pending_);
    unique_keys();
    format_.anchor = find_anchor();
    return std::move(format_);
  }

 private:
  void unique_keys() {
    std::map<std::string, int> seen;
    for (auto& step : format_.steps) {
      for (auto& key : step.field.keys) {
        int n = ++seen[key];
        if (n > 1) key += "_" + std::to_string(n);
      }
    }
  }

  std::size_t find_anchor() const {
    const auto& steps = format_.steps;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (steps[i].field.type == FieldType::time) return i;
    }
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const std::string& next = i + 1 < steps.size() ? steps[i + 1].before : format_.after;
      if (steps[i].before.ends_with('"') && next.starts_with('"')) return i;
    }
    return steps.size() - 1;
  }

  CompiledFormat format_;
  std::string pending_;
};

}  // namespace

std::vector<std::string> CompiledFormat::keys() const {
  std::vector<std::string> out;
  for (const auto& step : steps) out.insert(out.end(), step.field.keys.begin(), step.field.keys.end());
  return out;
}

std::string_view named_log_format(std::string_view name) {
  if (name == "common") return common_format;
  if (name == "combined") return combined_format;
  if (name == "vhost_combined") return vhost_combined_format;
  if (name == "nginx") return nginx_format;
  return {};
}

CompiledFormat compile_apache_format(std::string_view text) {
  Builder b{std::string(text)};
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    char c = text[i];
    if (c == '\\' && i + 1 < n) {
      // As in httpd.conf: \" is a quote, \n and \t are a newline and a tab, \\ a backslash.
      char e = text[i + 1];
      b.literal(e == 'n' ? '\n' : e == 't' ? '\t' : e);
      i += 2;
      continue;
    }
    if (c != '%') {
      b.literal(c);
      ++i;
      continue;
    }
    std::size_t start = i++;
    if (i == n) throw format_error("lone % at the end of the format");
    if (text[i] == '%') {
      b.literal('%');
      ++i;
      continue;
    }
    // Modifiers (status conditions like 400,501 or !200, and < > for the original or
    // final request) change when Apache writes the field, not its shape; then {argument}.
    bool has_arg = false;
    std::string arg;
    while (i < n) {
      char m = text[i];
      if (m == '!' || m == ',' || m == '<' || m == '>' || (m >= '0' && m <= '9')) {
        ++i;
      } else if (m == '{') {
        std::size_t close = text.find('}', i + 1);
        if (close == std::string_view::npos) {
          throw format_error("unclosed { in directive " + std::string(text.substr(start)));
        }
        arg = std::string(text.substr(i + 1, close - i - 1));
        has_arg = true;
        i = close + 1;
      } else {
        break;
      }
    }
    if (i == n) throw format_error("directive " + std::string(text.substr(start)) + " has no letter");
    char letter = text[i++];
    std::string directive(text.substr(start, i - start));
    FieldSpec spec = apache_directive(letter, has_arg, arg, directive);
    if (letter == 't' && !has_arg) {
      // Apache writes %t with its brackets: [24/Feb/2008:00:08:59 -0600].
      b.literal('[');
      b.add(std::move(spec));
      b.literal(']');
    } else {
      b.add(std::move(spec));
    }
  }
  return b.finish();
}

namespace {

FieldSpec nginx_variable(const std::string& var) {
  std::string d = "$" + var;
  static const std::map<std::string, std::pair<std::string, FieldType>, std::less<>> known = {
      {"remote_addr", {"host", FieldType::string}},
      {"remote_user", {"user", FieldType::string}},
      {"status", {"status", FieldType::integer}},
      {"body_bytes_sent", {"bytes", FieldType::bytes}},
      {"bytes_sent", {"bytes_sent", FieldType::integer}},
      {"request_length", {"bytes_received", FieldType::integer}},
      {"request_time", {"request_time", FieldType::number}},
      {"request_method", {"method", FieldType::string}},
      {"request_uri", {"request", FieldType::string}},
      {"uri", {"request", FieldType::string}},
      {"document_uri", {"request", FieldType::string}},
      {"server_protocol", {"proto", FieldType::string}},
      {"host", {"vhost", FieldType::string}},
      {"server_name", {"server_name", FieldType::string}},
      {"server_port", {"port", FieldType::integer}},
      {"server_addr", {"local_ip", FieldType::string}},
      {"remote_port", {"remote_port", FieldType::integer}},
      {"pid", {"pid", FieldType::integer}},
      {"connection", {"connection", FieldType::integer}},
      {"connection_requests", {"connection_requests", FieldType::integer}},
      {"gzip_ratio", {"gzip_ratio", FieldType::number}},
      {"upstream_connect_time", {"upstream_connect_time", FieldType::number}},
      {"upstream_header_time", {"upstream_header_time", FieldType::number}},
      {"upstream_response_time", {"upstream_response_time", FieldType::number}},
  };
  if (var == "request") return request_field(d);
  if (var == "time_local") return time_field(d, TimeSyntax::clf);
  if (var == "time_iso8601") return time_field(d, TimeSyntax::iso8601);
  if (var == "msec") return time_field(d, TimeSyntax::epoch_frac);
  if (var == "args" || var == "query_string") return field("query", FieldType::string, d);
  if (auto it = known.find(var); it != known.end()) return field(it->second.first, it->second.second, d);
  if (var.starts_with("http_")) return field(key_from_name(var.substr(5)), FieldType::string, d);
  if (var.starts_with("sent_http_")) return field("resp_" + key_from_name(var.substr(10)), FieldType::string, d);
  // nginx's variables are open-ended ($upstream_*, $ssl_*, map and set): any other one is
  // a string field under its own name.
  return field(key_from_name(var), FieldType::string, d);
}

// nginx.conf syntax: `log_format NAME [escape=…] '…' "…" …;` or just the quoted strings,
// which nginx joins. Returns false if the text is not in that syntax.
bool unquote_nginx_config(std::string_view text, std::string& joined) {
  auto skip_space = [&](std::size_t& i) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  auto word = [&](std::size_t& i) {
    std::size_t s = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) && text[i] != '\'' &&
           text[i] != '"' && text[i] != ';')
      ++i;
    return text.substr(s, i - s);
  };
  std::size_t i = 0;
  skip_space(i);
  if (text.substr(i).starts_with("log_format")) {
    word(i);
    skip_space(i);
    word(i);  // the format's name
    skip_space(i);
    if (text.substr(i).starts_with("escape=")) word(i);
  }
  joined.clear();
  bool any = false;
  for (;;) {
    skip_space(i);
    if (i == text.size() || text[i] == ';') break;
    char q = text[i];
    if (q != '\'' && q != '"') return false;
    ++i;
    for (;;) {
      if (i == text.size()) throw format_error("unclosed " + std::string(1, q) + " in the nginx log_format");
      char c = text[i++];
      if (c == q) break;
      if (c == '\\' && i < text.size()) {
        char e = text[i++];
        joined += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
      } else {
        joined += c;
      }
    }
    any = true;
  }
  if (i < text.size()) {  // the ';'
    ++i;
    skip_space(i);
    if (i != text.size()) return false;
  }
  return any;
}

}  // namespace

CompiledFormat compile_nginx_format(std::string_view text) {
  std::string joined;
  std::string_view body = text;
  if (unquote_nginx_config(text, joined)) body = joined;
  Builder b{std::string(text)};
  std::size_t i = 0;
  while (i < body.size()) {
    char c = body[i];
    if (c != '$') {
      b.literal(c);
      ++i;
      continue;
    }
    std::string var;
    if (i + 1 < body.size() && body[i + 1] == '{') {
      std::size_t close = body.find('}', i + 2);
      if (close == std::string_view::npos) throw format_error("unclosed ${ in the nginx log_format");
      var = std::string(body.substr(i + 2, close - i - 2));
      i = close + 1;
    } else {
      std::size_t s = ++i;
      while (i < body.size() && is_lower_ascii_word_char(body[i])) ++i;
      var = std::string(body.substr(s, i - s));
    }
    if (var.empty()) {
      b.literal('$');
      continue;
    }
    // $is_args$args is how nginx writes %U%q: '?' when there are arguments, then them.
    if (var == "is_args" && body.substr(i).starts_with("$args")) {
      i += 5;
      FieldSpec f = field("query", FieldType::string, "$is_args$args");
      f.query = true;
      b.add(std::move(f));
      continue;
    }
    b.add(nginx_variable(var));
  }
  return b.finish();
}

CompiledFormat compile_log_format(std::string_view text) {
  if (text.empty()) throw format_error("empty format");
  if (std::string_view named = named_log_format(text); !named.empty()) {
    CompiledFormat f = text == "nginx" ? compile_nginx_format(named) : compile_apache_format(named);
    f.name = std::string(text);
    return f;
  }
  // nginx's syntax: pasted from nginx.conf, or $variables without any %directive.
  std::string_view trimmed = text.substr(std::min(text.find_first_not_of(" \t\n"), text.size()));
  if (trimmed.starts_with("log_format")) return compile_nginx_format(text);
  bool has_variable = false, has_directive = false;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    char next = text[i + 1];
    if (text[i] == '$' && (std::isalpha(static_cast<unsigned char>(next)) || next == '_' || next == '{')) has_variable = true;
    if (text[i] == '%' && (std::isalpha(static_cast<unsigned char>(next)) || next == '{' || next == '>' || next == '<' ||
                           next == '!' || (next >= '0' && next <= '9')))
      has_directive = true;
  }
  if (has_variable && !has_directive) return compile_nginx_format(text);
  if (!has_directive) {
    throw format_error("'" + std::string(text) +
                       "' is not a format name (common, combined, vhost_combined, nginx) and has no %directives or $variables");
  }
  return compile_apache_format(text);
}

}  // namespace libpipe
