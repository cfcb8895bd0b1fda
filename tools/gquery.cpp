// gquery: query JSON Lines records like SQL (the tutorial's query language).
#include <unistd.h>

#include <fmt/format.h>

#include "libpipe/byte_source.hpp"
#include "libpipe/error.hpp"
#include "libpipe/line_reader.hpp"
#include "libpipe/output.hpp"
#include "libpipe/query_engine.hpp"
#include "libpipe/query_parser.hpp"
#include "libpipe/tool.hpp"
#include "libpipe/units.hpp"

namespace {

namespace q = libpipe::query;

struct Options {
  std::string query;
  std::vector<std::string> files;
  bool text = false, tsv = false, csv = false, table = false, json = false;
  bool no_header = false;
  std::uint64_t every = 0;
  std::string interval;
  bool strict = false;
  bool partial = false, merge = false;
};

// A mistake in the query: the message, then the query with a caret under the culprit.
libpipe::Error query_error(const std::string& text, const q::QueryError& e, std::string_view kind) {
  return libpipe::Error(q::describe_error(text, e, kind));
}

}  // namespace

int main(int argc, char** argv) {
  return libpipe::run_tool("gquery", [&](libpipe::Diagnostics& diag) {
    Options opt;
    auto app = libpipe::make_app(
        "gquery",
        "Query JSON Lines records with SQL: SELECT, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT.\n"
        "Records without aggregates or ORDER BY are answered as they arrive, so it works behind\n"
        "gtail forever. A query that is only a condition means SELECT * WHERE condition.");
    app->add_option("QUERY", opt.query, "The query, e.g. \"SELECT DISTINCT host WHERE status = 404\"")->required();
    app->add_option("FILE", opt.files, "Record files to read (default: standard input; - is standard input)");
    auto* text = app->add_flag("-t,--text", opt.text, "Print the values separated by spaces, strings bare, NULL empty");
    auto* tsv = app->add_flag("--tsv", opt.tsv, "Print tab-separated values with a header line");
    auto* csv = app->add_flag("--csv", opt.csv, "Print comma-separated values with a header line");
    auto* table = app->add_flag("--table", opt.table, "Print an aligned table (after the end of input)");
    auto* json = app->add_flag("--json", opt.json, "Print JSON Lines records (the default)");
    for (auto* a : {text, tsv, csv, table, json}) {
      for (auto* b : {text, tsv, csv, table, json}) {
        if (a != b) a->excludes(b);
      }
    }
    app->add_flag("--no-header", opt.no_header, "Leave out the header line of --tsv, --csv and --table");
    app->add_option("--every", opt.every, "Also print the answer so far after every N records")
        ->type_name("N")
        ->check(CLI::PositiveNumber);
    app->add_option("--interval", opt.interval, "Also print the answer so far every DURATION (e.g. 10s, 1m)")
        ->type_name("DURATION");
    app->add_flag("--strict", opt.strict, "Exit with status 1 when a line is not a JSON object");
    app->add_flag("--partial", opt.partial,
                  "Print the query's partial state, to be combined by --merge (for parallel runs)");
    app->add_flag("--merge", opt.merge, "Read partial states printed by --partial and print the answer");
    libpipe::parse_command_line(*app, argc, argv);
    if (opt.partial && (opt.every || !opt.interval.empty())) {
      throw libpipe::Error("--partial prints one state at the end: it cannot be combined with --every or --interval");
    }

    q::EngineOptions eo;
    if (opt.text) eo.format = q::Format::text;
    if (opt.tsv) eo.format = q::Format::tsv;
    if (opt.csv) eo.format = q::Format::csv;
    if (opt.table) eo.format = q::Format::table;
    eo.header = !opt.no_header;
    eo.every = opt.every;
    eo.partial = opt.partial;
    eo.merge = opt.merge;
    if (!opt.interval.empty()) {
      eo.interval = libpipe::parse_duration(opt.interval);
      if (!(eo.interval > 0)) throw libpipe::Error("--interval must be more than 0 seconds");
    }

    q::Query query;
    try {
      query = q::parse(opt.query);
    } catch (const q::QueryError& e) {
      throw query_error(opt.query, e, "syntax error");
    }
    libpipe::Output out(STDOUT_FILENO);
    std::unique_ptr<q::Engine> engine;
    try {
      engine = std::make_unique<q::Engine>(query, eo, out);
    } catch (const q::QueryError& e) {
      throw query_error(opt.query, e, "error");
    }

    if (opt.files.empty()) opt.files.push_back("-");
    for (const auto& file : opt.files) {
      q::InputStats stats;
      bool more = true;
      std::string name = file == "-" ? "standard input" : file;
      try {
        auto source = libpipe::open_input(file, &out);
        source->wait_hook([&] { return engine->on_wait(); });
        name = source->name();
        libpipe::LineReader lines(*source);
        more = engine->consume(lines, stats);
      } catch (const libpipe::OutputError&) {
        throw;  // our own output failed (also during a flush before a wait): fatal, status 2
      } catch (const libpipe::Error& e) {
        diag.error(e);
      }
      if (stats.malformed > 0) {
        std::string message = fmt::format(
            "{}: skipped {} line{} that {} not a JSON object (first: line {}: {})", name, stats.malformed,
            stats.malformed == 1 ? "" : "s", stats.malformed == 1 ? "is" : "are", stats.first_malformed_line,
            stats.first_error);
        if (opt.strict) {
          diag.error(message);
        } else {
          diag.note(message);
        }
      }
      if (!more) break;
    }
    engine->finish();
    out.flush();
    return diag.exit_status();
  });
}
