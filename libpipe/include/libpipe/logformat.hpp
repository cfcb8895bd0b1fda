#pragma once
// Access-log formats, compiled once into a plan that accesslog.hpp applies to every line:
// Apache `LogFormat` strings (`%h %l %u %t \"%r\" %>s %b`), nginx `log_format` strings
// (`$remote_addr - $remote_user [$time_local] "$request" …`, also pasted with their quotes
// from nginx.conf), and the names common, combined, vhost_combined and nginx.
//
//   auto f = libpipe::compile_log_format("%h %l %u %t \"%r\" %>s %b");
//   f.steps[0].field.keys[0]   // "host"
//   libpipe::compile_log_format("%h %Z");   // throws Error: unknown directive %Z
//
// A format is a list of steps, each a literal that must come first and then one field;
// what ends a field is the literal after it (a quoted field ends at the next unescaped
// quote followed by that literal). Fields with nothing between them cannot be told apart,
// and are an error, except %U%q (a query string starts with '?').

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace libpipe {

// What a field's text becomes in a record (accesslog.hpp writes it).
enum class FieldType {
  string,   // as written, escapes decoded; "-" stays "-"
  integer,  // a JSON integer; "-" and anything that is not digits stay strings
  bytes,    // like integer, but "-" is 0 (the tutorial's field_map)
  number,   // a decimal (nginx $request_time), as written when it is a JSON number
  request,  // a request line, split into method, request and proto
  time,     // a timestamp as written; --time reads it (see TimeSyntax)
};

// How a time field is written, so --time can read it.
enum class TimeSyntax {
  clf,       // 24/Feb/2008:00:08:59 -0600 (Apache %t, nginx $time_local)
  iso8601,   // 2008-02-24T00:08:59-06:00 (nginx $time_iso8601)
  epoch_s,   // 1203833339 (%{sec}t)
  epoch_ms,  // 1203833339123 (%{msec}t)
  epoch_us,  // 1203833339123456 (%{usec}t)
  epoch_frac,  // 1203833339.123 (nginx $msec)
  strftime,  // %{%d/%m/%Y %H:%M:%S}t: read with the same pattern
  unknown,   // kept as written; --time cannot read it
};

struct FieldSpec {
  // The record's keys: one, or method, request and proto for a request line (each made
  // unique in its format: a second %h gives host_2).
  std::vector<std::string> keys;
  FieldType type = FieldType::string;
  std::string directive;  // as written in the format: "%>s", "%{Referer}i", "$status"
  TimeSyntax time = TimeSyntax::clf;
  std::string strftime;   // the pattern of TimeSyntax::strftime
  bool query = false;     // %q / $is_args$args: starts with '?', may directly follow %U
};

struct FormatStep {
  std::string before;  // literal text that precedes the field (may be empty)
  FieldSpec field;
};

struct CompiledFormat {
  std::string name;              // "combined", or the text it was compiled from
  std::vector<FormatStep> steps;
  std::string after;             // literal text after the last field
  // The step a line must get through, complete, to be a record at all: the first time
  // field, else the first quoted field, else the last step. Lines that stop earlier have
  // no usable shape and are rejected; lines that stop later keep the fields they have.
  std::size_t anchor = 0;

  // The record's keys, in order (a request field gives three).
  std::vector<std::string> keys() const;
};

// Compiles --format's argument: a name (common, combined, vhost_combined, nginx), an
// nginx log_format (it has $variables and no %directives, or is pasted from nginx.conf:
// `log_format main '…' '…';` or just the quoted strings), else an Apache LogFormat.
// Throws Error("--format", problem) naming what is wrong.
CompiledFormat compile_log_format(std::string_view text);

CompiledFormat compile_apache_format(std::string_view text);
CompiledFormat compile_nginx_format(std::string_view text);

// The Apache format behind a name, or empty if it is not one.
std::string_view named_log_format(std::string_view name);

}  // namespace libpipe
