// Any bytes as a JSON Lines stream: the record reader must never crash, and every value it
// hands out must be consistent with its kind. Records that parse are re-written with
// RecordWriter, and what it writes must parse again.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "libpipe/byte_source.hpp"
#include "libpipe/json_reader.hpp"
#include "libpipe/json_writer.hpp"
#include "libpipe/line_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const libpipe::FieldSet fields = [] {
    libpipe::FieldSet f;
    for (const char* p : {"a", "b", "a.b", "a.b.c", "status", "`x.y`", "s"}) f.add(libpipe::FieldPath::parse(p));
    return f;
  }();
  libpipe::MemorySource src(std::string(reinterpret_cast<const char*>(data), size));
  libpipe::LineReader lines(src, 64);
  libpipe::RecordReader records(lines, fields);
  std::string out;
  libpipe::RecordWriter writer(out);
  std::vector<libpipe::JsonValue> again;
  std::string error;
  for (;;) {
    auto status = records.next();
    if (status == libpipe::RecordReader::end) break;
    if (status == libpipe::RecordReader::malformed) {
      if (records.error().empty()) std::abort();
      continue;
    }
    writer.begin();
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const auto& v = records.value(i);
      using K = libpipe::JsonValue::Kind;
      switch (v.kind) {
        case K::missing: break;
        case K::null: writer.null("k"); break;
        case K::boolean: writer.boolean("k", v.boolean); break;
        case K::integer: writer.integer("k", v.integer); break;
        case K::real: writer.number("k", v.real); break;
        case K::string: writer.string("k", v.text); break;
        case K::object:
        case K::array: writer.raw("k", v.text); break;
      }
    }
    writer.end();
    if (!libpipe::parse_record(out, fields, again, error)) std::abort();
  }
  return 0;
}
