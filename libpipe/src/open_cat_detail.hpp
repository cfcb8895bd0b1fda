#pragma once
// The pieces of open_cat.cpp that open_cat_jobs.cpp shares (private to libpipe).

#include <functional>
#include <string>

#include "libpipe/open_cat.hpp"

namespace libpipe::detail {

// Threads a decoder may use on one file: the machine's cores, at most 16.
unsigned decoding_threads();

// "FILE\t" with -H, else empty.
std::string line_prefix(const OpenCatOptions& opt, const std::string& path);

// Calls visit with each input, from opt.files or from the names on standard input (read
// with `out` flushed before each wait), until it returns false or a stop signal arrives.
void for_each_input(const OpenCatOptions& opt, Output& out,
                    const std::function<bool(const std::string&)>& visit);

// Opens, decodes and writes one input in this thread; reports what is wrong with it to
// diag once the lines before the damage have left.
void cat_one(const std::string& path, const OpenCatOptions& opt, Output& out, Diagnostics& diag);

// open_cat with opt.jobs inputs decoded at once by worker threads; the output keeps the
// order of the inputs, and each input's error comes after its lines.
void open_cat_jobs(const OpenCatOptions& opt, Output& out, Diagnostics& diag);

}  // namespace libpipe::detail
