#include "libpipe/error.hpp"

#include <cstring>

namespace libpipe {

namespace {
std::string join(const std::string& where, const std::string& what) {
  return where.empty() ? what : where + ": " + what;
}
}  // namespace

Error::Error(std::string where, std::string what)
    : std::runtime_error(join(where, what)), where_(std::move(where)), reason_(std::move(what)) {}

Error system_error(std::string where, int errnum) {
  return Error(std::move(where), std::strerror(errnum));
}

}  // namespace libpipe
