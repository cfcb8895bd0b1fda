#pragma once
// SIGINT and SIGTERM end a tool cleanly: they set a flag, a blocked read returns early
// (the handler is installed without SA_RESTART), input sources then report end of input,
// and the tool flushes what it produced and exits — the tutorial's generator shutdown.
// A second signal of the same kind kills at once, for the impatient.
// SIGPIPE is ignored: a closed downstream pipe shows up as EPIPE (see output.hpp).

#include <csignal>
#include <initializer_list>

namespace libpipe {

// Installs the handlers; called once by run_tool(). `extra` adds signals that also mean
// "stop" for this tool (gtail adds SIGHUP and SIGUSR1).
void install_signal_handlers(std::initializer_list<int> extra = {});

// True once a stop signal arrived.
bool stop_requested() noexcept;

// The signal that asked to stop, or 0.
int stop_signal() noexcept;

// For tests: forget an earlier stop request.
void reset_stop_request() noexcept;

}  // namespace libpipe
