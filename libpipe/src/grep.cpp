#include "libpipe/grep.hpp"

#include <cstring>

#include <fmt/format.h>

#include "libpipe/byte_source.hpp"
#include "libpipe/error.hpp"
#include "libpipe/json_reader.hpp"
#include "libpipe/line_reader.hpp"
#include "libpipe/output.hpp"
#include "libpipe/tool.hpp"

namespace libpipe {

namespace {

// GNU grep's default colours (GREP_COLORS' ms, fn, ln, se), so output looks the same.
constexpr std::string_view color_match = "\33[01;31m\33[K";
constexpr std::string_view color_name = "\33[35m\33[K";
constexpr std::string_view color_number = "\33[32m\33[K";
constexpr std::string_view color_separator = "\33[36m\33[K";
constexpr std::string_view color_end = "\33[m\33[K";

std::uint64_t count_newlines(const char* p, std::size_t n) noexcept {
  std::uint64_t count = 0;
  const char* end = p + n;
  while (p < end) {
    auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    if (nl == nullptr) break;
    ++count;
    p = nl + 1;
  }
  return count;
}

class Searcher {
 public:
  Searcher(const GrepOptions& opt, Matcher& matcher, Output& out, bool with_names)
      : opt_(opt), matcher_(matcher), out_(out), with_names_(with_names) {}

  // Searches one input; returns how many lines were selected.
  std::uint64_t text(LineReader& lines, const std::string& name) {
    name_ = &name;
    selected_ = 0;
    std::uint64_t number = 0;  // lines before pos
    std::string_view block;
    while (read_input([&] { return lines.next_lines(block); })) {
      matcher_.tune(block);  // the first block of the first input
      const char* base = block.data();
      const std::size_t size = block.size();
      std::size_t pos = 0;
      while (pos < size) {
        std::size_t b = 0, e = 0;
        bool found = matcher_.find_line(block, pos, b, e);
        if (!opt_.invert) {
          if (!found) {
            if (opt_.line_number) number += count_newlines(base + pos, size - pos);
            break;
          }
          if (opt_.line_number) number += count_newlines(base + pos, b - pos) + 1;
          std::string_view line = block.substr(b, e - b);
          if (select(line, line, number)) return selected_;
          pos = e + 1;
        } else {
          std::size_t gap_end = found ? b : size;
          while (pos < gap_end) {
            auto* nl = static_cast<const char*>(std::memchr(base + pos, '\n', gap_end - pos));
            auto stop = static_cast<std::size_t>(nl - base);
            std::string_view line = block.substr(pos, stop - pos);
            if (select(line, line, ++number)) return selected_;
            pos = stop + 1;
          }
          if (!found) break;
          ++number;
          pos = e + 1;
        }
      }
    }
    return selected_;
  }

  // Searches one input of records, matching the field of the given slot.
  std::uint64_t records(LineReader& lines, const FieldSet& fields, std::size_t slot, const std::string& name,
                        std::uint64_t& malformed, std::string& first_malformed) {
    name_ = &name;
    selected_ = 0;
    RecordReader records(lines, fields);
    for (;;) {
      const RecordReader::Status status = read_input([&] { return records.next(); });
      if (status == RecordReader::end) break;
      if (status == RecordReader::malformed) {
        if (malformed++ == 0) first_malformed = fmt::format("line {}: {}", records.line_number(), records.error());
        continue;
      }
      const JsonValue& v = records.value(slot);
      std::string_view text;
      using K = JsonValue::Kind;
      switch (v.kind) {
        case K::missing: break;
        case K::null: text = "null"; break;
        case K::boolean: text = v.boolean ? "true" : "false"; break;
        default: text = v.text; break;
      }
      bool match = v.kind != K::missing && matcher_.matches(text);
      if (match != opt_.invert && select(records.line(), text, records.line_number())) break;
    }
    return selected_;
  }

  bool quit() const noexcept { return quit_; }

 private:
  // One selected line; true when the input is done with (-q, -m).
  bool select(std::string_view line, std::string_view match_text, std::uint64_t number) {
    ++selected_;
    if (opt_.quiet) {
      quit_ = true;
      return true;
    }
    if (!opt_.count) emit(line, match_text, number);
    return opt_.max_count && selected_ >= *opt_.max_count;
  }

  void prefix(std::uint64_t number) {
    if (with_names_) {
      if (opt_.color) {
        out_.write(color_name);
        out_.write(*name_);
        out_.write(color_end);
        separator();
      } else {
        out_.write(*name_);
        out_.put(':');
      }
    }
    if (opt_.line_number) {
      if (opt_.color) out_.write(color_number);
      char buf[24];
      auto r = fmt::format_to_n(buf, sizeof buf, "{}", number);
      out_.write(std::string_view(buf, r.size));
      if (opt_.color) {
        out_.write(color_end);
        separator();
      } else {
        out_.put(':');
      }
    }
  }

  void separator() {
    out_.write(color_separator);
    out_.put(':');
    out_.write(color_end);
  }

  void emit(std::string_view line, std::string_view match_text, std::uint64_t number) {
    const bool color = opt_.color && opt_.field.empty();  // records pass through untouched
    if (opt_.only_matching) {
      if (opt_.invert) return;  // as grep: the lines selected by -v hold no match to show
      std::size_t from = 0, b = 0, e = 0;
      while (from <= match_text.size() && matcher_.next_match(match_text, from, b, e)) {
        prefix(number);
        if (color) out_.write(color_match);
        out_.write(match_text.substr(b, e - b));
        if (color) out_.write(color_end);
        out_.put('\n');
        from = e;
      }
      return;
    }
    prefix(number);
    if (color && !opt_.invert) {
      std::size_t from = 0, b = 0, e = 0;
      while (from < line.size() && matcher_.next_match(line, from, b, e)) {
        out_.write(line.substr(from, b - from));
        out_.write(color_match);
        out_.write(line.substr(b, e - b));
        out_.write(color_end);
        from = e;
      }
      out_.write(line.substr(from));
    } else {
      out_.write(line);
    }
    out_.put('\n');
  }

  const GrepOptions& opt_;
  Matcher& matcher_;
  Output& out_;
  bool with_names_;
  const std::string* name_ = nullptr;
  std::uint64_t selected_ = 0;
  bool quit_ = false;
};

}  // namespace

int run_grep(const GrepOptions& opt, Output& out, Diagnostics& diag) {
  Matcher matcher(opt.matcher);
  FieldSet fields;
  std::size_t slot = 0;
  if (!opt.field.empty()) slot = fields.add(FieldPath::parse(opt.field));
  std::vector<std::string> files = opt.files;
  if (files.empty()) files.emplace_back("-");
  const bool with_names = opt.file_names == GrepOptions::FileNames::always ||
                          (opt.file_names == GrepOptions::FileNames::automatic && files.size() > 1);
  Searcher searcher(opt, matcher, out, with_names);
  bool selected_any = false, failed = false;
  auto report = [&](const Error& e) {
    failed = true;
    if (!opt.no_messages) diag.error(e);
  };
  for (const auto& file : files) {
    const std::string name = file == "-" ? "(standard input)" : file;
    std::unique_ptr<FdSource> source;
    try {
      source = open_input(file, &out);
    } catch (const Error& e) {
      report(e);
      continue;
    }
    std::uint64_t selected = 0;
    if (!opt.max_count || *opt.max_count > 0) {
      try {
        // Read, not mapped: a block read into the buffer is searched while it is in the cache,
        // while a mapping costs the kernel a page-table entry per 4 KB and the search a trip to
        // memory (a 1 GB log: about 0.3 s of CPU read, over 1 s mapped, on the bench machine).
        LineReader lines(*source, LineReader::default_block, LineReader::Lend::copy);
        if (opt.field.empty()) {
          selected = searcher.text(lines, name);
        } else {
          std::uint64_t malformed = 0;
          std::string first;
          selected = searcher.records(lines, fields, slot, name, malformed, first);
          if (malformed > 0) {
            report(Error(source->name(), malformed == 1 ? "not a JSON record, " + first
                                                        : fmt::format("{} lines are not JSON records; the first, {}",
                                                                      malformed, first)));
          }
        }
      } catch (const InputFailed& f) {
        report(f.error);
      }
    }
    if (selected > 0) selected_any = true;
    if (searcher.quit()) return 0;
    if (opt.count && !opt.quiet) {
      std::string line = with_names ? name + ":" : std::string();
      line += fmt::format("{}\n", selected);
      out.write(line);
    }
  }
  out.flush();
  if (failed) return 2;
  return selected_any ? 0 : 1;
}

}  // namespace libpipe
