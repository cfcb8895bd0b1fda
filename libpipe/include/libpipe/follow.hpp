#pragma once
// Following growing log files by name, the tutorial's follow() and multiplex() made
// robust: several files at once, whole lines in arrival order, through every way logs get
// rotated, without losing or repeating a line.
//
//   libpipe::FollowOptions opt;
//   opt.with_filename = true;                        // "FILE<TAB>line"
//   libpipe::Output out(STDOUT_FILENO);
//   int status = libpipe::follow_files({"a.log", "b.log"}, opt, out, diag);
//
// How each kind of rotation is met:
// - rename (mv log log.1; new log): the renamed file is read on until it has been quiet
//   for `rotation_quiet` seconds (a server writes to its old descriptor until it reopens),
//   while the new file is read from its start.
// - copytruncate (the file shrinks): reading starts again at 0, with a note on stderr; the
//   lines written between our last read and the copy are taken from the copy beside it.
// - delete and recreate, or a file that does not exist yet: the new file is read from its
//   start when it appears.
// A partial last line is held until its newline arrives; when its file is rotated away, or
// at the end of a run without a state file, it is passed on with a newline.
//
// Changes are heard through ChangeWatcher (inotify, or polling); output is flushed before
// every wait, so a line reaches the output within milliseconds of being written.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace libpipe {

class Output;
class Diagnostics;

struct FollowOptions {
  // Where reading starts in a file that is there at the start (files appearing later, and
  // new files after a rotation, are always read from their start).
  enum class Start { end, last_lines, from_line } start = Start::end;
  std::uint64_t count = 0;  // last_lines: N (-n N); from_line: K (-n +K, 1 = the whole file)
  // With a state file, a file it does not know yet is read from its start (as logtail
  // does) unless the start was given explicitly (-n, --from-start).
  bool start_given = false;
  bool with_filename = false;   // -H: prefix each line with the name given and a TAB
  bool once = false;            // read what is there now, then return
  double poll_interval = 0;     // > 0: check every so many seconds instead of inotify
  double fallback_interval = 0.1;  // polling interval when inotify cannot be used
  std::string state_path;       // --state FILE ("" none)
  pid_t pid = 0;                // > 0: return once this process has ended
  double idle_timeout = 0;      // > 0: return after so many seconds without new data
  double rotation_quiet = 5.0;  // seconds a renamed or deleted file must be quiet to be let go
  double checkpoint_interval = 1.0;  // seconds between state saves while lines flow
};

// Follows `files` ("-" is standard input, read until its end) and writes their lines to
// `out`. Returns the exit status: 0, or 1 when some file could not be read (reported
// through `diag`). Returns when --once has read everything, the --pid process has ended,
// the idle timeout passed, or a stop signal arrived (signals.hpp); the state is saved then.
// Throws Error for a fatal problem (the state file cannot be read or written) and
// DownstreamClosed when the output's reader has gone.
int follow_files(const std::vector<std::string>& files, const FollowOptions& options, Output& out,
                 Diagnostics& diag);

// Where reading starts so that the last `lines` lines of the open regular file `fd` (of
// `size` bytes) are read; an unfinished last line counts as a line. With 0, the start of
// the unfinished last line (or the end, when the file ends with a newline).
std::uint64_t start_of_last_lines(int fd, std::uint64_t size, std::uint64_t lines);

}  // namespace libpipe
