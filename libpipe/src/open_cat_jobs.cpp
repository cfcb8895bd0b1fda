// gopen-cat --jobs N: N inputs decoded at once, one thread each, written in the inputs'
// order. The main thread alone touches the output and the diagnostics; each worker fills a
// small queue of blocks of whole lines and waits when it is full, so memory stays bounded
// (N queues of a few MiB) however far ahead a fast worker could run.
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "libpipe/decompress.hpp"
#include "libpipe/error.hpp"
#include "libpipe/line_reader.hpp"
#include "open_cat_detail.hpp"

namespace libpipe::detail {

namespace {

// A block leaves for the output when it reaches this size: as large as the output's own
// buffer, so the main thread's write goes straight to the descriptor, without a copy.
constexpr std::size_t block_size = Output::default_block;
// Bytes a worker may decode ahead of the output before it waits.
constexpr std::size_t queue_limit = 4 * block_size;

struct Cancelled {};

class Job {
 public:
  Job(std::string path, std::string prefix) : path_(std::move(path)), prefix_(std::move(prefix)) {
    thread_ = std::thread([this] { run(); });
  }
  ~Job() {
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
    }
    room_.notify_all();
    thread_.join();
  }
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;

  // The next block of lines, waiting for it; false once the input is finished.
  bool next(std::string& block) {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !queue_.empty() || done_; });
    if (queue_.empty()) return false;
    block = std::move(queue_.front());
    queue_.pop_front();
    queued_ -= block.size();
    lock.unlock();
    room_.notify_one();
    return true;
  }

  // After next() returned false: what was wrong with the input, if anything.
  const std::optional<Error>& error() const noexcept { return error_; }
  // A failure that is not about the input (out of memory): rethrown by the main thread.
  std::exception_ptr failure() const noexcept { return failure_; }
  const std::string& path() const noexcept { return path_; }

 private:
  void run() {
    std::string block;
    try {
      try {
        // No flush before a wait here: the output belongs to the main thread.
        auto in = open_decoded(open_input(path_));
        LineReader lines(*in);
        if (prefix_.empty()) {
          std::string_view run;
          while (lines.next_lines(run)) {
            block.append(run);
            if (block.size() >= block_size) push(block);
          }
        } else {
          std::string_view line;
          while (lines.next(line)) {
            block.append(prefix_).append(line).push_back('\n');
            if (block.size() >= block_size) push(block);
          }
        }
      } catch (const Error& e) {
        error_ = e;  // published with done_, under the lock
      }
      if (!block.empty()) push(block);
    } catch (const Cancelled&) {
    } catch (...) {
      failure_ = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    ready_.notify_one();
  }

  void push(std::string& block) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return queued_ < queue_limit || cancelled_; });
    if (cancelled_) throw Cancelled{};
    queued_ += block.size();
    queue_.push_back(std::move(block));
    lock.unlock();
    ready_.notify_one();
    block = std::string();
    block.reserve(block_size + (block_size >> 4));
  }

  std::string path_;
  std::string prefix_;
  std::mutex mutex_;
  std::condition_variable ready_;  // a block was queued, or the job is done
  std::condition_variable room_;   // a block left the queue, or the job was cancelled
  std::deque<std::string> queue_;
  std::size_t queued_ = 0;
  bool done_ = false;
  bool cancelled_ = false;
  std::optional<Error> error_;
  std::exception_ptr failure_;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace

void open_cat_jobs(const OpenCatOptions& opt, Output& out, Diagnostics& diag) {
  // Destroying a job cancels and joins it: leaving early (a closed pipe, a write error)
  // stops every worker.
  std::deque<std::unique_ptr<Job>> window;
  auto write_oldest = [&] {
    Job& job = *window.front();
    std::string block;
    while (job.next(block)) out.write(block);
    if (job.failure()) std::rethrow_exception(job.failure());
    if (job.error()) {
      out.flush();
      diag.error(*job.error());
    }
    window.pop_front();
  };
  for_each_input(opt, out, [&](const std::string& path) {
    if (path == "-") {
      // Data on standard input is read by this thread, so that the output is flushed
      // whenever it waits for more (a slow pipe still shows each line at once).
      while (!window.empty()) write_oldest();
      cat_one(path, opt, out, diag);
      return true;
    }
    window.push_back(std::make_unique<Job>(path, line_prefix(opt, path)));
    if (window.size() >= opt.jobs) write_oldest();
    return true;
  });
  while (!window.empty()) write_oldest();
}

}  // namespace libpipe::detail
