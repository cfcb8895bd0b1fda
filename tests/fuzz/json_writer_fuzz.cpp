// Whatever bytes go into a record's string, the record is valid JSON and the string reads
// back unchanged when it was valid UTF-8 without NUL-free surprises.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "libpipe/json_reader.hpp"
#include "libpipe/json_writer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const libpipe::FieldSet fields = [] {
    libpipe::FieldSet f;
    f.add(libpipe::FieldPath::parse("k"));
    return f;
  }();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string rec;
  libpipe::RecordWriter w(rec);
  w.begin();
  w.string("k", input);
  w.end();
  std::vector<libpipe::JsonValue> values;
  std::string error;
  if (!libpipe::parse_record(rec, fields, values, error)) std::abort();
  if (values[0].kind != libpipe::JsonValue::Kind::string) std::abort();
  // Re-escaping what was read gives the same text: the writer is a fixed point.
  std::string twice;
  libpipe::append_json_string(twice, values[0].text);
  std::string once;
  libpipe::append_json_string(once, input);
  if (twice != once) std::abort();
  return 0;
}
