#include "libpipe/pipe_size.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

namespace libpipe {

std::size_t wanted_pipe_size() {
  static const std::size_t size = [] {
    std::size_t wanted = std::size_t{1} << 20;
    if (std::FILE* f = std::fopen("/proc/sys/fs/pipe-max-size", "r")) {
      unsigned long max = 0;
      if (std::fscanf(f, "%lu", &max) == 1 && max > 0 && max < wanted) wanted = max;
      std::fclose(f);
    }
    return wanted;
  }();
  return size;
}

void enlarge_pipe(int fd) noexcept {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode)) return;
  long want = static_cast<long>(wanted_pipe_size());
  long have = fcntl(fd, F_GETPIPE_SZ);
  // An unprivileged user over pipe-user-pages-soft gets EPERM: settle for less.
  while (have >= 0 && have < want && want >= 65536) {
    if (fcntl(fd, F_SETPIPE_SZ, want) >= 0) return;
    want /= 2;
  }
}

}  // namespace libpipe
