// Any bytes as a query: the parser either builds a query or throws QueryError with an offset
// inside the text (never another exception, never a crash), its error display holds a
// caret, and the canonical text of every parsed expression parses back to itself.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "libpipe/query_parser.hpp"

namespace q = libpipe::query;

namespace {

void round_trip(const q::Expr& e) {
  std::string text = q::canonical(e);
  q::Query again = q::parse("SELECT " + text);
  if (q::canonical(*again.select[0].expr) != text) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  q::Query query;
  try {
    query = q::parse(text);
  } catch (const q::QueryError& e) {
    if (e.offset() > text.size()) std::abort();
    std::string shown = q::describe_error(text, e);
    if (shown.find('^') == std::string::npos) std::abort();
    return 0;
  }
  for (const auto& item : query.select) {
    if (item.expr) round_trip(*item.expr);
  }
  if (query.where) round_trip(*query.where);
  if (query.having) round_trip(*query.having);
  for (const auto& o : query.order_by) round_trip(*o.expr);
  for (const auto& g : query.group_by) round_trip(*g);
  return 0;
}
