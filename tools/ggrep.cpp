// ggrep: keep the lines that match (the tutorial's gen_grep), with grep's options.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "libpipe/error.hpp"
#include "libpipe/grep.hpp"
#include "libpipe/output.hpp"
#include "libpipe/tool.hpp"

namespace {

// grep's -f: one pattern per line ("-" is standard input); an empty file matches nothing.
void read_pattern_file(const std::string& path, std::vector<std::string>& patterns) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) throw libpipe::system_error(path, errno);
    in = &file;
  }
  std::string line;
  while (std::getline(*in, line)) patterns.push_back(line);
  if (in->bad()) throw libpipe::system_error(path, errno);
}

// grep takes `-e -x` as the pattern "-x"; CLI11 would see an option there. Joining such a
// value to its option (`--regexp=-x`) keeps the grep habit working.
std::vector<std::string> grep_style_arguments(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      for (; i < argc; ++i) args.emplace_back(argv[i]);
      break;
    }
    if ((a == "-e" || a == "--regexp" || a == "-f" || a == "--file") && i + 1 < argc) {
      std::string name = a == "-e" || a == "--regexp" ? "--regexp=" : "--file=";
      args.push_back(name + argv[++i]);
      continue;
    }
    args.push_back(a);
  }
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  return libpipe::run_tool("ggrep", [&](libpipe::Diagnostics& diag) {
    libpipe::GrepOptions opt;
    std::optional<std::string> pattern;
    std::vector<std::string> regexps, pattern_files;
    bool with_filename = false, no_filename = false, extended = false;
    std::string color = "auto";
    auto app = libpipe::make_app(
        "ggrep",
        "Print the lines that match PATTERN (RE2 syntax, like grep -E), searching whole\n"
        "buffers for the pattern's literal text first. With --field, the input is JSON Lines\n"
        "records and a record is kept when that field matches.");
    app->set_help_flag("--help", "Print this help and exit");  // -h is grep's --no-filename
    app->footer(
        "Exit status: 0 a line was selected, 1 none was, 2 an error (with -q: 0 once a line\n"
        "was selected, even after an error).\nFull documentation: man ggrep");
    app->add_option("PATTERN", pattern, "The regular expression (unless -e or -f gives it)");
    app->add_option("FILE", opt.files, "Files to search (default: standard input; - is standard input)");
    app->add_option("-e,--regexp", regexps, "Use PATTERN (repeatable; a line matching any is selected)")
        ->type_name("PATTERN")
        ->allow_extra_args(false);  // one value each time, as grep: `-e a FILE`
    app->add_option("-f,--file", pattern_files, "Read patterns from FILE, one per line")
        ->type_name("FILE")
        ->allow_extra_args(false);
    app->add_flag("-E,--extended-regexp", extended, "Accepted for grep habits: patterns are always RE2");
    app->add_flag("-F,--fixed-strings", opt.matcher.fixed, "Patterns are plain text, not regular expressions");
    app->add_flag("-i,--ignore-case", opt.matcher.ignore_case, "Ignore case (Unicode-aware)");
    app->add_flag("-w,--word-regexp", opt.matcher.word, "Match only whole words");
    app->add_flag("-x,--line-regexp", opt.matcher.line, "Match only whole lines");
    app->add_flag("-v,--invert-match", opt.invert, "Select the lines that do not match");
    app->add_flag("-c,--count", opt.count, "Print only how many lines were selected (per file)");
    app->add_flag("-o,--only-matching", opt.only_matching, "Print only the matching parts, one per line");
    app->add_flag("-n,--line-number", opt.line_number, "Prefix each line with its line number");
    app->add_option("-m,--max-count", opt.max_count, "Stop reading a file after NUM selected lines")
        ->type_name("NUM");
    app->add_flag("-q,--quiet,--silent", opt.quiet, "Print nothing; exit 0 at the first selected line");
    app->add_flag("-s,--no-messages", opt.no_messages, "No messages about unreadable files");
    auto* h = app->add_flag("-H,--with-filename", with_filename, "Prefix each line with its file name");
    app->add_flag("-h,--no-filename", no_filename, "Never prefix file names (default with one input)")
        ->excludes(h);
    app->add_option("--color,--colour", color, "Highlight matches: auto (on a terminal, the default), never, always")
        ->type_name("WHEN")
        ->expected(0, 1)
        ->check(CLI::IsMember({"", "auto", "never", "always"}));
    app->add_option("--field", opt.field, "The input is JSON Lines records: keep those whose field NAME matches")
        ->type_name("NAME");

    auto args = grep_style_arguments(argc, argv);
    std::vector<char*> new_argv{argv[0]};
    for (auto& a : args) new_argv.push_back(a.data());
    libpipe::parse_command_line(*app, static_cast<int>(new_argv.size()), new_argv.data());

    opt.matcher.patterns = regexps;
    for (const auto& f : pattern_files) read_pattern_file(f, opt.matcher.patterns);
    if (regexps.empty() && pattern_files.empty()) {
      if (!pattern) {
        diag.note("no PATTERN given; try 'ggrep --help'");
        return 2;
      }
      opt.matcher.patterns.push_back(*pattern);
    } else if (pattern) {
      opt.files.insert(opt.files.begin(), *pattern);  // with -e or -f, every argument is a file
    }
    if (with_filename) opt.file_names = libpipe::GrepOptions::FileNames::always;
    if (no_filename) opt.file_names = libpipe::GrepOptions::FileNames::never;
    if (color == "always") {
      opt.color = true;
    } else if (color != "never") {
      const char* term = std::getenv("TERM");
      opt.color = ::isatty(STDOUT_FILENO) == 1 && term != nullptr && std::string_view(term) != "dumb";
    }

    libpipe::Output out(STDOUT_FILENO);
    return libpipe::run_grep(opt, out, diag);
  });
}
