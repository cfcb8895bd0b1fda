// A query (the first line) over records (the rest), in every output form and through
// --partial then --merge: nothing may crash, and every line of JSON output must be valid
// JSON whatever the records held.
#include <sys/mman.h>
#include <unistd.h>

#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "libpipe/byte_source.hpp"
#include "libpipe/error.hpp"
#include "libpipe/line_reader.hpp"
#include "libpipe/output.hpp"
#include "libpipe/query_engine.hpp"

namespace q = libpipe::query;

namespace {

// Runs the query over the input and returns what it printed ("" when the engine refused it).
std::string run(const q::Query& query, q::EngineOptions opt, const std::string& input) {
  int fd = memfd_create("query_eval_fuzz", 0);
  if (fd < 0) std::abort();
  try {
    libpipe::Output out(fd, "fuzz output");
    out.set_line_buffered(false);
    q::Engine engine(query, opt, out);
    libpipe::MemorySource src(input, "fuzz input", 7);
    libpipe::LineReader lines(src, 64);
    q::InputStats stats;
    engine.consume(lines, stats);
    engine.finish();
    out.flush();
  } catch (const q::QueryError&) {
  } catch (const libpipe::Error&) {
  }
  std::string result;
  char buf[4096];
  ssize_t n;
  lseek(fd, 0, SEEK_SET);
  while ((n = read(fd, buf, sizeof buf)) > 0) result.append(buf, static_cast<std::size_t>(n));
  close(fd);
  return result;
}

// Integers beyond 64 bits are valid JSON (sums never wrap), but simdjson's DOM refuses them:
// outside strings, each run of more than 19 digits is made a 0 before the check.
std::string shorten_big_integers(std::string_view line) {
  std::string out;
  bool in_string = false;
  for (std::size_t i = 0; i < line.size();) {
    char c = line[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < line.size()) out += line[++i];
      else if (c == '"') in_string = false;
      ++i;
    } else if (c >= '0' && c <= '9') {
      std::size_t end = i;
      while (end < line.size() && line[end] >= '0' && line[end] <= '9') ++end;
      if (end - i > 19) out += '0';
      else out.append(line.substr(i, end - i));
      i = end;
    } else {
      in_string = c == '"';
      out += c;
      ++i;
    }
  }
  return out;
}

void check_json_lines(const std::string& text) {
  static simdjson::dom::parser parser;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) std::abort();  // every record ends its line
    simdjson::padded_string line(shorten_big_integers(std::string_view(text).substr(pos, nl - pos)));
    simdjson::dom::element doc;
    if (parser.parse(line).get(doc) != simdjson::SUCCESS || !doc.is_object()) std::abort();
    pos = nl + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string all(reinterpret_cast<const char*>(data), size);
  std::size_t nl = all.find('\n');
  if (nl == std::string::npos) return 0;
  q::Query query;
  try {
    query = q::parse(all.substr(0, nl));
  } catch (const q::QueryError&) {
    return 0;
  }
  std::string records = all.substr(nl + 1);
  q::EngineOptions opt;
  check_json_lines(run(query, opt, records));
  for (auto f : {q::Format::text, q::Format::tsv, q::Format::csv, q::Format::table}) {
    opt.format = f;
    run(query, opt, records);
  }
  q::EngineOptions partial;
  partial.partial = true;
  std::string state = run(query, partial, records);
  check_json_lines(state);
  q::EngineOptions merge;
  merge.merge = true;
  check_json_lines(run(query, merge, state));
  return 0;
}
