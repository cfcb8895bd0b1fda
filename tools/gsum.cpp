// gsum: total a column of numbers (the tutorial's sum of the bytes column).
#include <unistd.h>

#include "libpipe/error.hpp"
#include "libpipe/output.hpp"
#include "libpipe/sum.hpp"
#include "libpipe/tool.hpp"

int main(int argc, char** argv) {
  return libpipe::run_tool("gsum", [&](libpipe::Diagnostics& diag) {
    libpipe::SumOptions opt;
    std::string delimiter;
    auto app = libpipe::make_app(
        "gsum",
        "Total a column of numbers: by default the last whitespace-separated column of each\n"
        "line, skipping '-' (a log's bytes column). Integers are exact far beyond 64 bits;\n"
        "decimals to 18 places. Values that are not numbers are skipped and counted.");
    app->add_option("FILE", opt.files, "Files to read (default: standard input; - is standard input)");
    auto* column = app->add_option("-c,--column", opt.column.column,
                                   "Column N, 1-based; negative counts from the end (default -1, the last)")
                       ->type_name("N")
                       ->check([](const std::string& s) {
                         return s == "0" ? std::string("columns are numbered from 1 (or -1 from the end)")
                                         : std::string();
                       });
    app->add_option("-d,--delimiter", delimiter, "Columns are separated by the character C, not by blanks")
        ->type_name("C")
        ->check([](const std::string& s) {
          return s.size() == 1 || s == "\\t" ? std::string() : std::string("the delimiter is one character");
        });
    app->add_option("-f,--field", opt.field, "The input is JSON Lines records; total the field PATH (a.b nests)")
        ->type_name("PATH")
        ->excludes(column);
    auto* running = app->add_flag("--running", opt.running, "Print the running total after each line");
    auto* sum = app->add_flag("--sum", opt.sum, "Print the total (the default; with --count etc.: as well)");
    auto* count = app->add_flag("--count", opt.count, "Print how many values were added up");
    auto* min = app->add_flag("--min", opt.min, "Print the smallest value");
    auto* max = app->add_flag("--max", opt.max, "Print the largest value");
    auto* mean = app->add_flag("--mean", opt.mean, "Print the mean");
    auto* stats = app->add_flag("--stats", opt.stats, "Print all of them, one per line, labelled");
    for (auto* o : {sum, count, min, max, mean, stats}) o->excludes(running);
    app->add_flag("--strict", opt.strict, "Values that are not numbers are an error (exit status 1)");
    libpipe::parse_command_line(*app, argc, argv);
    if (!delimiter.empty()) opt.column.delimiter = delimiter == "\\t" ? '\t' : delimiter[0];

    libpipe::Output out(STDOUT_FILENO);
    return libpipe::run_gsum(opt, out, diag);
  });
}
