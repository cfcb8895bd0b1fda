#include "libpipe/signals.hpp"

#include <atomic>
#include <cstring>

namespace libpipe {

namespace {
std::atomic<int> g_stop_signal{0};

extern "C" void on_stop_signal(int sig) {
  int expected = 0;
  if (!g_stop_signal.compare_exchange_strong(expected, sig) && expected == sig) {
    // Asked twice: the user wants out now.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

void catch_signal(int sig) {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocked read must return EINTR
  sigaction(sig, &sa, nullptr);
}
}  // namespace

void install_signal_handlers(std::initializer_list<int> extra) {
  std::signal(SIGPIPE, SIG_IGN);
  catch_signal(SIGINT);
  catch_signal(SIGTERM);
  for (int sig : extra) catch_signal(sig);
}

bool stop_requested() noexcept { return g_stop_signal.load(std::memory_order_relaxed) != 0; }
int stop_signal() noexcept { return g_stop_signal.load(std::memory_order_relaxed); }
void reset_stop_request() noexcept { g_stop_signal.store(0); }

}  // namespace libpipe
