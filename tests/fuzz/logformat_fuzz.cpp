// Any bytes as a format: the first line is compiled as --format's argument (an Apache
// LogFormat, an nginx log_format, pasted nginx.conf), the other lines are parsed with it.
// Compiling either works or throws Error with a message; a compiled format must have keys
// and fields that can be told apart, and every record it gives must be valid JSON.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "libpipe/accesslog.hpp"
#include "libpipe/error.hpp"
#include "libpipe/json_reader.hpp"
#include "libpipe/logformat.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const libpipe::FieldSet no_fields;
  std::string input(reinterpret_cast<const char*>(data), size);
  std::size_t nl = input.find('\n');
  std::string text = input.substr(0, nl);
  libpipe::CompiledFormat format;
  try {
    format = libpipe::compile_log_format(text);
  } catch (const libpipe::Error& e) {
    if (std::string(e.what()).empty()) std::abort();
    return 0;
  }
  if (format.steps.empty() || format.keys().empty() || format.anchor >= format.steps.size()) std::abort();
  for (std::size_t i = 1; i < format.steps.size(); ++i) {
    if (format.steps[i].before.empty() && !format.steps[i].field.query) std::abort();
  }
  if (nl == std::string::npos) return 0;
  libpipe::AccessLogParser parser(std::move(format));
  libpipe::AccessLogWriter writer(parser, {.time = libpipe::TimeOutput::iso});
  std::string out, error;
  std::vector<libpipe::JsonValue> values;
  std::size_t start = nl + 1;
  while (start <= input.size()) {
    std::size_t end = input.find('\n', start);
    if (end == std::string::npos) end = input.size();
    std::string line = input.substr(start, end - start);
    start = end + 1;
    if (!parser.parse(line)) continue;
    out.clear();
    writer.append(out);
    if (!libpipe::parse_record(out, no_fields, values, error)) std::abort();
  }
  return 0;
}
