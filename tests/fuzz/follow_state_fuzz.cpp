// Any bytes as a gtail state file: parsing either succeeds or throws Error naming the line,
// never crashes; what parses is written out again and must read back the same.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "libpipe/error.hpp"
#include "libpipe/follow_state.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  libpipe::FollowState state;
  try {
    state.parse(text, "state");
  } catch (const libpipe::Error& e) {
    if (e.where() != "state" || e.reason().find("line ") != 0) std::abort();
    return 0;
  }
  libpipe::FollowState again;
  again.parse(state.serialize(), "state");
  if (again.entries() != state.entries()) std::abort();
  return 0;
}
