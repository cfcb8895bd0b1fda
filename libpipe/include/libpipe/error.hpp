#pragma once
// Errors of libpipe. The library never prints and never exits: it throws one of these,
// and each tool's single catch point (libpipe/tool.hpp) turns it into
// `tool: where: what` on stderr and an exit status.
//
//   throw libpipe::Error("access-log.gz", "unexpected end of file");
//   throw libpipe::system_error("www/foo", errno);   // "www/foo: Permission denied"

#include <stdexcept>
#include <string>
#include <string_view>

namespace libpipe {

class Error : public std::runtime_error {
 public:
  // `where` names the file (or stream) concerned; it may be empty.
  Error(std::string where, std::string what);
  explicit Error(std::string what) : Error({}, std::move(what)) {}

  const std::string& where() const noexcept { return where_; }
  const std::string& reason() const noexcept { return reason_; }

 private:
  std::string where_;
  std::string reason_;
};

// An Error whose reason is the system's text for errnum (strerror).
Error system_error(std::string where, int errnum);

// A write to the tool's output failed (disk full …). It is an Error, but not one of the
// input being read: FdSource flushes the output before it waits for input, so this can
// surface from a read, and a tool that reports an input's Error and goes on to the next
// input must let this one through (`catch (const OutputError&) { throw; }` first) so it
// ends the run with status 2 instead of being blamed on the input.
class OutputError : public Error {
 public:
  using Error::Error;
};

// Thrown by Output when the reader of our output has gone away (EPIPE). Not an error:
// downstream is done (`… | head`), so the tool stops at once, silently, with status 0.
struct DownstreamClosed {};

// Thrown to end the program with a status after the message has been printed
// (--help, --version, a usage error reported by the option parser).
struct ExitRequest {
  int status;
};

}  // namespace libpipe
