#pragma once
// Access-log lines into records (the tutorial's apache_log() and field_map()), by a
// hand-written parser that follows a compiled format (logformat.hpp): no regular
// expression, and no allocation or copy per line — fields are views into the line, and
// escapes are decoded only when a record is written.
//
//   libpipe::AccessLogParser parser(libpipe::compile_log_format("combined"));
//   libpipe::AccessLogWriter writer(parser, {});        // JSON Lines, every field
//   std::string out;
//   if (parser.parse(line)) writer.append(out);         // {"host":"…",…,"status":200,…}\n
//
// Real logs are messy, so a line that stops matching its format part way (cut off by a
// crash, a status that is not a number, text where a quote should be) still gives the
// fields it has, as long as it got through the format's anchor (its timestamp, or first
// quoted field): see CompiledFormat::anchor. Only lines with no usable shape are rejected.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "libpipe/logformat.hpp"

namespace libpipe {

class Diagnostics;

// One key of the records a format gives.
struct Column {
  std::string key;
  FieldType type;      // never FieldType::request: a request line gives three string columns
  std::size_t step;    // the format step it comes from
};

class AccessLogParser {
 public:
  explicit AccessLogParser(CompiledFormat format);

  // Parses one line, without its '\n' (a '\r' before it is ignored). False when the line
  // has no usable shape; then no column is set.
  bool parse(std::string_view line);
  // Promises that at least `padding` bytes after the end of every line given to parse()
  // can be read (a LineReader's buffer has them: line_reader.hpp). Both the parser and the
  // writer then scan 16 or 32 bytes at a time without a byte-by-byte tail, which is most of
  // the work on short fields.
  static constexpr std::size_t padding = 32;
  void set_padded(bool padded) noexcept { padded_ = padded; }
  bool padded() const noexcept { return padded_; }
  // Common and Combined lines of the usual shape go through a path with the format's
  // literals hard-coded (several times faster); anything unusual falls back to the general
  // parser. Off: every line takes the general parser, so tests and the fuzzer can check
  // that both give the same records.
  void set_fast_path(bool on) noexcept { shape_ = on ? shape_of(plans_, format_.anchor) : Shape::general; }

  // The size of the last line parsed (AccessLogWriter::max_size needs it).
  std::size_t line_size() const noexcept { return line_size_; }

  const CompiledFormat& format() const noexcept { return format_; }
  const std::vector<Column>& columns() const noexcept { return columns_; }
  // Whether column i was found in the last line parsed, and its text as written (escapes
  // not yet decoded).
  bool has(std::size_t i) const noexcept { return slots_[i].generation == generation_; }
  std::string_view raw(std::size_t i) const noexcept { return {slots_[i].data, slots_[i].size}; }
  // The column of the first time field, or npos.
  std::size_t time_column() const noexcept { return time_column_; }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

 private:
  // The writer reads the slots directly: through has() and raw() it would reload them
  // after every byte it stores (a char store may alias anything).
  friend class AccessLogWriter;
  // How one step is found in a line, worked out once from the format.
  struct Plan {
    std::string before;         // literal before the field
    std::string term;           // literal after it ("" for a last field with nothing after)
    bool quoted = false;        // "…": ends at an unescaped quote followed by the rest of term
    bool term_is_final = false; // term is the format's last text: prefer the line's end
    bool numeric = false;       // a last number ends at a space (trailing text is ignored)
    bool split_query = false;   // %U%q: ends at the first '?'
    unsigned skip_terms = 0;    // %{…}t: how many times term's first byte occurs inside it
    FieldType type = FieldType::string;
    std::size_t column = 0;     // first column
  };
  struct Slot {
    const char* data = nullptr;
    std::size_t size = 0;
    std::uint64_t generation = 0;
  };
  // The columns parse_clf() gives, in the writer's order: Common's nine, then Combined's
  // referer and agent.
  static constexpr std::size_t clf_columns = 11;
  void set(std::size_t column, const char* data, std::size_t size) noexcept {
    slots_[column] = Slot{data, size, generation_};
  }
  // floor: null, or the start of the line (the request may be scanned back to it).
  void set_request(std::size_t column, const char* data, std::size_t size, const char* floor = nullptr) noexcept;
  // The exact plans of Common and Combined (and the line-by-line default, which is
  // Combined): parse_clf() parses their ordinary lines with the literals hard-coded.
  enum class Shape { general, common, combined };
  static Shape shape_of(const std::vector<Plan>& plans, std::size_t anchor) noexcept;
  bool parse_clf(const char* p, std::size_t n) noexcept;
  // Any format, step by step (kept out of parse(), which the usual lines only pass through).
  [[gnu::noinline]] bool parse_general(const char* p, std::size_t n) noexcept;
  std::size_t field_end(const Plan& plan, std::size_t i, const char* p, std::size_t pos, std::size_t n) const noexcept;

  CompiledFormat format_;
  std::vector<Column> columns_;
  std::vector<Plan> plans_;
  std::vector<Slot> slots_;
  std::uint64_t generation_ = 0;
  std::size_t line_size_ = 0;
  // The last line, '\r' cut off, when parse_clf() took it (else clf_begin_ is null): the
  // writer checks it once for bytes that need escaping instead of field by field.
  const char* clf_begin_ = nullptr;
  const char* clf_end_ = nullptr;
  std::size_t time_column_ = npos;
  Shape shape_ = Shape::general;
  bool padded_ = false;
};

// Decodes the escapes web servers write inside log fields: Apache's \" \\ \xhh \n \t \r
// \b \v and nginx's \xHH (escape=default) and \uXXXX (escape=json). A backslash that
// starts no known escape stays as it is. Returns text itself when it has no backslash,
// else the decoded bytes in scratch.
std::string_view decode_log_escapes(std::string_view text, std::string& scratch);

// A point in time read from a log: seconds since 1970 (UTC) and a decimal fraction.
struct LogTime {
  std::int64_t seconds = 0;
  std::uint32_t fraction = 0;  // `fraction_digits` decimal digits
  unsigned fraction_digits = 0;
};

// Reads a time field written with the given syntax (strftime patterns as in %{…}t).
// False when the text is not such a time. No locale, time zone database or mktime.
bool parse_log_time(std::string_view text, TimeSyntax syntax, std::string_view pattern, LogTime& out) noexcept;
// 2008-02-24T06:08:59Z (with the fraction when there is one).
void append_iso_time(std::string& out, const LogTime& t);
// 1203833339 (or 1203833339.123).
void append_epoch_time(std::string& out, const LogTime& t);

enum class TimeOutput { none, iso, epoch };
enum class RecordSyntax { json, tsv };

struct RecordOptions {
  std::vector<std::string> fields = {};  // keys to keep, in this order (empty: every key)
  RecordSyntax syntax = RecordSyntax::json;
  TimeOutput time = TimeOutput::none;  // adds a `time` key
};

// Writes the parser's last line as a JSON Lines record or a TSV row.
class AccessLogWriter {
 public:
  // Throws Error("--fields", …) naming a key the format does not give.
  AccessLogWriter(const AccessLogParser& parser, RecordOptions options);

  // The TSV header line (with its '\n'); empty for JSON.
  std::string header() const;
  // The keys written, in order.
  const std::vector<std::string>& keys() const noexcept { return keys_; }

  // At most how many bytes write() puts down for the parser's last line: escaping can
  // make a byte six (\u0001), so 6 bytes a byte of the line, plus the keys.
  std::size_t max_size() const noexcept { return fixed_size_ + 6 * parser_.line_size(); }
  // Writes the record of the parser's last line at w, which has max_size() bytes free;
  // returns the end. Writing through a pointer with the room known beforehand is what makes
  // short Common records cheap: no capacity check per piece.
  char* write(char* w);
  // The same, appended to a string (tests, fuzzing).
  void append(std::string& out);

 private:
  struct Output {
    std::size_t column;    // npos: the `time` key
    FieldType type;        // the column's
    std::string json_key;  // ,"key": (the comma is skipped before the record's first field)
    char key_copy[33];     // the same, padded: a fixed 32-byte copy from key_copy + skip
  };
  char* write_json(char* w);
  // write_json() for a line parse_clf() took, with every column in the format's order:
  // the keys are copied as fixed blocks and, when the line holds no byte that needs
  // escaping, the fields as they are.
  char* write_clf(char* w);
  void prepare_clf();
  char* write_json_time(char* w, const Output& o, std::size_t skip);
  char* write_tsv(char* w);
  char* put_tsv_value(char* w, FieldType type, std::string_view raw);
  // The time of the parser's last line, for --time.
  bool read_time(LogTime& t) noexcept;
  char* put_time(char* w, const LogTime& t, bool quoted);

  const AccessLogParser& parser_;
  RecordOptions options_;
  std::vector<Output> outputs_;
  std::vector<std::string> keys_;
  std::size_t fixed_size_ = 0;
  // write_clf(): a key (`,"host":"`, the opening quote of a string value with it) in a
  // 32-byte block, for each column parse_clf() gives; clf_keys_ == 0 when the records
  // are not every column of Common or Combined, in order, as JSON.
  struct ClfKey {
    char text[32];
    std::size_t size;
  };
  ClfKey clf_key_[AccessLogParser::clf_columns] = {};
  std::size_t clf_keys_ = 0;
  bool clf_time_ = false;  // and the `time` key after them
  // read_time(): the last CLF time read whole, whose date, hour and zone the next lines
  // of the same hour share.
  struct Hour {
    char date[15];  // 24/Feb/2008:00:
    char zone[6];   //  -0600
    std::int64_t start = 0;
    bool valid = false;
  };
  Hour hour_;
  std::string scratch_;
  std::string escaped_;
};

// The apachelog tool: every input's lines into records on standard output.
struct ApachelogOptions {
  std::string format;  // empty: Common or Combined, recognised line by line
  RecordOptions record;
  std::string rejects;  // a file that keeps the rejected lines as they were
  bool strict = false;  // rejected lines make the exit status 1
  std::vector<std::string> files;  // none: standard input
};

// The format --format names (empty: the line-by-line default).
CompiledFormat apachelog_format(const std::string& format);

// Returns the exit status. Rejected lines are counted, and summed up in one note at the
// end: `3 of 10000 lines did not parse (first: line 17)`.
int run_apachelog(const ApachelogOptions& options, Diagnostics& diag);

}  // namespace libpipe
