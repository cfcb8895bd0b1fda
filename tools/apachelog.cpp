// apachelog: access-log lines into JSON Lines records (the tutorial's apache_log()).
#include <algorithm>
#include <string>

#include "libpipe/accesslog.hpp"
#include "libpipe/output.hpp"
#include "libpipe/tool.hpp"

namespace {

// --list-fields: the keys the format gives, with their type and directive, one a line.
int list_fields(const libpipe::ApachelogOptions& opt) {
  libpipe::AccessLogParser parser(libpipe::apachelog_format(opt.format));
  libpipe::Output out(STDOUT_FILENO);
  static constexpr const char* types[] = {"string", "integer", "bytes", "number", "request", "time"};
  for (const auto& c : parser.columns()) {
    const auto& spec = parser.format().steps[c.step].field;
    out.write(c.key);
    out.put('\t');
    out.write(spec.type == libpipe::FieldType::request ? "string" : types[static_cast<int>(c.type)]);
    out.put('\t');
    out.write_line(spec.directive);
  }
  if (opt.record.time != libpipe::TimeOutput::none) {
    out.write_line(opt.record.time == libpipe::TimeOutput::iso ? "time\tstring\t--time iso" : "time\tinteger\t--time epoch");
  }
  out.flush();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return libpipe::run_tool("apachelog", [&](libpipe::Diagnostics& diag) {
    libpipe::ApachelogOptions opt;
    std::string time;
    bool tsv = false, list = false;
    auto app = libpipe::make_app(
        "apachelog",
        "Parse web-server access-log lines into JSON Lines records: Common or Combined Log\n"
        "Format recognised line by line, or any Apache LogFormat or nginx log_format.");
    app->add_option("--format", opt.format,
                    "common, combined, vhost_combined, nginx, an Apache LogFormat string or an nginx "
                    "log_format string (default: Common or Combined, line by line)")
        ->type_name("FORMAT");
    app->add_option("--time", time, "Add a time field: iso (UTC ISO 8601) or epoch (seconds)")
        ->type_name("iso|epoch")
        ->check(CLI::IsMember({"iso", "epoch"}));
    std::string fields;
    app->add_option("--fields", fields, "Keep only these fields, in this order (comma-separated)")
        ->type_name("A,B,...");
    app->add_flag("--tsv", tsv, "Write tab-separated values with a header line instead of JSON");
    app->add_option("--rejects", opt.rejects, "Write the lines that do not parse, unchanged, to FILE")
        ->type_name("FILE");
    app->add_flag("--strict", opt.strict, "Lines that do not parse make the exit status 1");
    app->add_flag("--list-fields", list, "Print the fields the format gives (name, type, directive) and exit");
    app->add_option("FILE", opt.files, "Log files to read (default: standard input; - is standard input)");
    libpipe::parse_command_line(*app, argc, argv);

    if (time == "iso") opt.record.time = libpipe::TimeOutput::iso;
    if (time == "epoch") opt.record.time = libpipe::TimeOutput::epoch;
    for (std::size_t start = 0; !fields.empty() && start <= fields.size();) {
      std::size_t comma = std::min(fields.find(',', start), fields.size());
      if (comma > start) opt.record.fields.push_back(fields.substr(start, comma - start));
      start = comma + 1;
    }
    if (tsv) opt.record.syntax = libpipe::RecordSyntax::tsv;
    // A bad --format or --fields throws Error("--format", …): run_tool reports it, status 2.
    if (list) return list_fields(opt);
    return libpipe::run_apachelog(opt, diag);
  });
}
