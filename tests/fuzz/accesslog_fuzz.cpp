// Any bytes as access-log lines, in every format apachelog knows: the parser must never
// crash or read outside the line, and every record it writes must be valid JSON (checked
// with simdjson) and every TSV row must have one cell per key. The hard-coded path for
// Common and Combined lines must give the general parser's records, byte for byte.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "libpipe/accesslog.hpp"
#include "libpipe/json_reader.hpp"

namespace {

const char* const formats[] = {
    "",  // the default: Common or Combined, line by line
    "common",
    "combined",
    "vhost_combined",
    "nginx",
    R"(%h %{%Y-%m-%d %H:%M:%S}t [%{msec}t] "%m %U%q %H" %>s %B %D "%{Referer}i")",
    R"(%v:%p %a %{c}a %t %T %{ms}T %I %O %k "%{sid}C" %{usec}t %{%d/%b/%Y %T %z}t)",
    R"($remote_addr [$time_iso8601] $msec "$request" $status $request_time $uri$is_args$args)",
    R"($remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $upstream_response_time)",
};
constexpr std::size_t format_count = sizeof formats / sizeof formats[0];

struct Setup {
  libpipe::AccessLogParser parser;
  libpipe::AccessLogWriter json;
  libpipe::AccessLogWriter tsv;
  libpipe::AccessLogParser general;  // the same format without the fast path
  libpipe::AccessLogWriter general_json;
  explicit Setup(const char* format, libpipe::TimeOutput time)
      : parser(libpipe::apachelog_format(format)),
        json(parser, {.time = time}),
        tsv(parser, {.syntax = libpipe::RecordSyntax::tsv, .time = time}),
        general(libpipe::apachelog_format(format)),
        general_json(general, {.time = time}) {
    general.set_fast_path(false);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Owned, so LeakSanitizer does not report them at exit (it did: an empty "crash").
  static std::vector<std::unique_ptr<Setup>> setups = [] {
    std::vector<std::unique_ptr<Setup>> v;
    for (std::size_t i = 0; i < format_count; ++i) {
      v.push_back(std::make_unique<Setup>(formats[i], i % 2 ? libpipe::TimeOutput::iso : libpipe::TimeOutput::epoch));
    }
    return v;
  }();
  static const libpipe::FieldSet no_fields;
  if (size == 0) return 0;
  Setup& s = *setups[data[0] % format_count];
  std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string out, row, error, general_out;
  std::vector<libpipe::JsonValue> values;
  std::size_t start = 0;
  while (start <= input.size()) {
    std::size_t nl = input.find('\n', start);
    if (nl == std::string::npos) nl = input.size();
    // A copy of exactly the line's bytes, so reading past it is caught by ASan; every
    // other input, AccessLogParser::padding bytes more (of the input's first byte) and the padded scans.
    bool padded = (data[0] & 0x80) != 0;
    std::string buffer = input.substr(start, nl - start);
    std::size_t line_size = buffer.size();
    if (padded) buffer.append(libpipe::AccessLogParser::padding, static_cast<char>(data[0]));
    start = nl + 1;
    s.parser.set_padded(padded);
    s.general.set_padded(padded);
    bool parsed = s.parser.parse(std::string_view(buffer.data(), line_size));
    if (parsed != s.general.parse(std::string_view(buffer.data(), line_size))) std::abort();
    if (!parsed) continue;
    out.clear();
    s.json.append(out);
    general_out.clear();
    s.general_json.append(general_out);
    if (out != general_out) std::abort();
    if (out.size() < 3 || out.front() != '{' || out.back() != '\n') std::abort();
    if (!libpipe::parse_record(out, no_fields, values, error)) std::abort();
    row.clear();
    s.tsv.append(row);
    std::size_t tabs = 0, newlines = 0;
    for (char c : row) {
      tabs += c == '\t';
      newlines += c == '\n';
    }
    if (tabs + 1 != s.tsv.keys().size() || newlines != 1 || row.back() != '\n') std::abort();
  }
  return 0;
}
