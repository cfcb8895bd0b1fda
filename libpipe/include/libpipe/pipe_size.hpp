#pragma once
// Linux pipes default to a 64 KiB buffer, which caps a pipe hop near 0.9 GB/s on our
// machines; with 1 MiB buffers on both ends and 1 MiB reads and writes a hop moves
// about 3 GB/s (design.md, Performance notes). Every gpipe stage enlarges the pipes it
// reads and writes, so the whole pipeline gets the faster hop.

#include <cstddef>

namespace libpipe {

// The size libpipe asks for: 1 MiB, or /proc/sys/fs/pipe-max-size when that is lower.
std::size_t wanted_pipe_size();

// If fd is a pipe, enlarges its buffer to wanted_pipe_size() (or as close as the
// system allows an unprivileged user). Anything else is left alone. Never fails.
void enlarge_pipe(int fd) noexcept;

}  // namespace libpipe
