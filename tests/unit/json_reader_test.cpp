#include "libpipe/json_reader.hpp"

#include <gtest/gtest.h>

#include <string>

#include "libpipe/byte_source.hpp"
#include "libpipe/error.hpp"

using libpipe::FieldPath;
using libpipe::FieldSet;
using libpipe::JsonValue;
using Kind = libpipe::JsonValue::Kind;

TEST(FieldPath, ParsesDotsAndBackquotes) {
  EXPECT_EQ(FieldPath::parse("status").parts(), (std::vector<std::string>{"status"}));
  EXPECT_EQ(FieldPath::parse("a.b.c").parts(), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(FieldPath::parse("`user.agent`.version").parts(),
            (std::vector<std::string>{"user.agent", "version"}));
  EXPECT_EQ(FieldPath::parse("`odd key!`").parts(), (std::vector<std::string>{"odd key!"}));
  EXPECT_EQ(FieldPath::parse("`user.agent`.version").text(), "`user.agent`.version");
}

TEST(FieldPath, RejectsBrokenPaths) {
  for (const char* bad : {"", ".", "a.", ".a", "a..b", "`open", "`a`b", "a`b`"}) {
    EXPECT_THROW(FieldPath::parse(bad), libpipe::Error) << bad;
  }
}

TEST(FieldSet, SamePathSameSlot) {
  FieldSet f;
  auto a = f.add(FieldPath::parse("a"));
  auto b = f.add(FieldPath::parse("x.y"));
  EXPECT_EQ(f.add(FieldPath::parse("a")), a);
  EXPECT_NE(a, b);
  EXPECT_EQ(f.size(), 2u);
}

namespace {

struct Reader {
  explicit Reader(std::string data) : src(std::move(data)), lines(src), records(lines, fields) {}
  libpipe::MemorySource src;
  libpipe::LineReader lines;
  FieldSet fields;
  libpipe::RecordReader records;
};

}  // namespace

TEST(RecordReader, FindsFieldsOfEveryType) {
  FieldSet fields;
  auto s = fields.add(FieldPath::parse("s"));
  auto i = fields.add(FieldPath::parse("i"));
  auto d = fields.add(FieldPath::parse("d"));
  auto b = fields.add(FieldPath::parse("b"));
  auto n = fields.add(FieldPath::parse("n"));
  auto o = fields.add(FieldPath::parse("o"));
  auto a = fields.add(FieldPath::parse("a"));
  auto m = fields.add(FieldPath::parse("missing"));
  libpipe::MemorySource src(
      R"({"s":"a\"b\u00e9","i":-42,"d":2.5,"b":true,"n":null,"o":{"x":1},"a":[1, "two"],"z":0})"
      "\n");
  libpipe::LineReader lines(src);
  libpipe::RecordReader r(lines, fields);
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  EXPECT_EQ(r.value(s).kind, Kind::string);
  EXPECT_EQ(r.value(s).text, "a\"b\xC3\xA9");
  EXPECT_EQ(r.value(i).kind, Kind::integer);
  EXPECT_EQ(r.value(i).integer, -42);
  EXPECT_EQ(r.value(i).text, "-42");
  EXPECT_EQ(r.value(d).kind, Kind::real);
  EXPECT_EQ(r.value(d).real, 2.5);
  EXPECT_EQ(r.value(b).kind, Kind::boolean);
  EXPECT_TRUE(r.value(b).boolean);
  EXPECT_EQ(r.value(n).kind, Kind::null);
  EXPECT_EQ(r.value(o).kind, Kind::object);
  EXPECT_EQ(r.value(o).text, R"({"x":1})");
  EXPECT_EQ(r.value(a).kind, Kind::array);
  EXPECT_EQ(r.value(a).text, R"([1, "two"])");
  EXPECT_EQ(r.value(m).kind, Kind::missing);
  EXPECT_EQ(r.next(), libpipe::RecordReader::end);
}

TEST(RecordReader, NestedPathsAndObjectsWantedWhole) {
  FieldSet fields;
  auto ab = fields.add(FieldPath::parse("a.b"));
  auto a = fields.add(FieldPath::parse("a"));
  auto deep = fields.add(FieldPath::parse("a.c.d"));
  auto through_scalar = fields.add(FieldPath::parse("s.x"));
  libpipe::MemorySource src("{\"s\":3,\"a\":{\"b\":\"yes\",\"c\":{\"d\":7}}}\n{\"a\":5}\n");
  libpipe::LineReader lines(src);
  libpipe::RecordReader r(lines, fields);
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  EXPECT_EQ(r.value(ab).text, "yes");
  EXPECT_EQ(r.value(a).kind, Kind::object);
  EXPECT_EQ(r.value(deep).integer, 7);
  EXPECT_TRUE(r.value(through_scalar).is_missing());
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  EXPECT_EQ(r.value(a).integer, 5);
  EXPECT_TRUE(r.value(ab).is_missing());
}

TEST(RecordReader, BigIntegersKeepTheirText) {
  FieldSet fields;
  auto big = fields.add(FieldPath::parse("big"));
  auto huge = fields.add(FieldPath::parse("huge"));
  libpipe::MemorySource src("{\"big\":18446744073709551615,\"huge\":123456789012345678901234567890}\n");
  libpipe::LineReader lines(src);
  libpipe::RecordReader r(lines, fields);
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  EXPECT_EQ(r.value(big).kind, Kind::real);
  EXPECT_EQ(r.value(big).text, "18446744073709551615");
  EXPECT_EQ(r.value(huge).text, "123456789012345678901234567890");
  EXPECT_GT(r.value(huge).real, 1e29);
}

TEST(RecordReader, MalformedLinesAreReportedAndSkipped) {
  FieldSet fields;
  auto k = fields.add(FieldPath::parse("k"));
  libpipe::MemorySource src(
      "{\"k\":1}\n"
      "not json\n"
      "{\"k\":2\n"             // cut off
      "[1,2]\n"                // not an object
      "{\"k\":3} trailing\n"
      "\n"                     // blank lines are skipped silently
      "{\"k\":\"\xff\"}\n"     // invalid UTF-8
      "{\"k\":nul}\n"           // a broken literal: skipped, not fatal
      "{\"k\":4}");
  libpipe::LineReader lines(src);
  libpipe::RecordReader r(lines, fields);
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok);
  EXPECT_EQ(r.value(k).integer, 1);
  EXPECT_EQ(r.next(), libpipe::RecordReader::malformed);
  EXPECT_EQ(r.line(), "not json");
  EXPECT_FALSE(r.error().empty());
  EXPECT_EQ(r.next(), libpipe::RecordReader::malformed);
  EXPECT_EQ(r.next(), libpipe::RecordReader::malformed);
  EXPECT_EQ(r.error(), "not a JSON object");
  EXPECT_EQ(r.next(), libpipe::RecordReader::malformed);
  EXPECT_EQ(r.next(), libpipe::RecordReader::malformed);
  EXPECT_EQ(r.next(), libpipe::RecordReader::malformed);
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok);
  EXPECT_EQ(r.value(k).integer, 4);
  EXPECT_EQ(r.line_number(), 9u);
  EXPECT_EQ(r.next(), libpipe::RecordReader::end);
}

TEST(RecordReader, EscapedKeysMatch) {
  FieldSet fields;
  auto k = fields.add(FieldPath::parse("a\"b"));
  libpipe::MemorySource src("{\"a\\\"b\":\"found\"}\n");
  libpipe::LineReader lines(src);
  libpipe::RecordReader r(lines, fields);
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  EXPECT_EQ(r.value(k).text, "found");
}

TEST(RecordReader, ValuesAreResetBetweenRecords) {
  FieldSet fields;
  auto k = fields.add(FieldPath::parse("k"));
  libpipe::MemorySource src("{\"k\":1}\n{\"other\":2}\n");
  libpipe::LineReader lines(src);
  libpipe::RecordReader r(lines, fields);
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok);
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok);
  EXPECT_TRUE(r.value(k).is_missing());
}

// Keys are compared as written and unescaped only when needed: each way must find a field,
// wherever it is in the record, and the last of two equal keys must count.
TEST(RecordReader, KeyTwiceTheLastCounts) {
  FieldSet fields;
  auto k = fields.add(FieldPath::parse("k"));
  auto ab = fields.add(FieldPath::parse("a.b"));
  libpipe::MemorySource src(
      "{\"k\":1,\"x\":2,\"k\":\"late\"}\n"
      "{\"k\":1,\"\\u006b\":3}\n"                        // the same key, escaped
      "{\"a\":{\"b\":1},\"a\":{\"b\":2}}\n");
  libpipe::LineReader lines(src);
  libpipe::RecordReader r(lines, fields);
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  EXPECT_EQ(r.value(k).kind, Kind::string);
  EXPECT_EQ(r.value(k).text, "late");
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  EXPECT_EQ(r.value(k).integer, 3);
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  EXPECT_EQ(r.value(ab).integer, 2);
}

TEST(RecordReader, KeysOfEveryLengthAndPlace) {
  FieldSet fields;
  auto a = fields.add(FieldPath::parse("a"));
  auto eight = fields.add(FieldPath::parse("abcdefgh"));
  auto seven = fields.add(FieldPath::parse("abcdefg"));
  auto long_name = fields.add(FieldPath::parse("a_rather_long_field_name_beyond_one_word"));
  auto odd = fields.add(FieldPath::parse("tab\there"));
  libpipe::MemorySource src(
      "{\"ab\":0,\"abcdefghi\":0,\"abcdefgh\":8,\"abcdef\":0,\"abcdefg\":7,"
      "\"a_rather_long_field_name_beyond_one_wor\":0,\"a_rather_long_field_name_beyond_one_word\":\"L\","
      "\"a_rather_long_field_name_beyond_one_wordX\":0,\"tab\\there\":\"T\",\"\\u0061\":\"A\"}\n"
      // The wanted keys only as prefixes or extensions of other keys: all missing.
      "{\"abcdefgh_\":1,\"abcdefgX\":1,\"a\\\"\":1,\"tab\":1}\n");
  libpipe::LineReader lines(src);
  libpipe::RecordReader r(lines, fields);
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  EXPECT_EQ(r.value(a).text, "A");
  EXPECT_EQ(r.value(eight).integer, 8);
  EXPECT_EQ(r.value(seven).integer, 7);
  EXPECT_EQ(r.value(long_name).text, "L");
  EXPECT_EQ(r.value(odd).text, "T");
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  for (auto slot : {a, eight, seven, long_name, odd}) EXPECT_TRUE(r.value(slot).is_missing()) << slot;
}

// The whole record is checked, not only up to the last field wanted.
TEST(RecordReader, BrokenAfterTheWantedFieldsIsMalformed) {
  FieldSet fields;
  auto k = fields.add(FieldPath::parse("k"));
  libpipe::MemorySource src(
      "{\"k\":1,\"x\":}\n"
      "{\"k\":1,\"x\" 2}\n"
      "{\"k\":1,\"x\":2\n"
      "{\"k\":1,\"x\":[1,2}\n"
      "{\"k\":1,\"x\":2}}\n"
      "{\"k\":5,\"x\":\"a\\\\\"}\n");
  libpipe::LineReader lines(src);
  libpipe::RecordReader r(lines, fields);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(r.next(), libpipe::RecordReader::malformed) << "line " << i + 1;
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  EXPECT_EQ(r.value(k).integer, 5);
}

TEST(RecordReader, IntegersReadFastKeepJsonRules) {
  FieldSet fields;
  auto n = fields.add(FieldPath::parse("n"));
  libpipe::MemorySource src(
      "{\"n\":-0}\n{\"n\":999999999999999999}\n{\"n\":9999999999999999999}\n{\"n\":12 }\n"
      "{\"n\":-9223372036854775808}\n{\"n\":1e3}\n");
  libpipe::LineReader lines(src);
  libpipe::RecordReader r(lines, fields);
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  EXPECT_EQ(r.value(n).kind, Kind::integer);
  EXPECT_EQ(r.value(n).integer, 0);
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  EXPECT_EQ(r.value(n).integer, 999999999999999999);
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  EXPECT_EQ(r.value(n).kind, Kind::real);  // beyond int64: a double, with the exact text
  EXPECT_EQ(r.value(n).text, "9999999999999999999");
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  EXPECT_EQ(r.value(n).integer, 12);
  EXPECT_EQ(r.value(n).text, "12");
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  EXPECT_EQ(r.value(n).kind, Kind::integer);
  EXPECT_EQ(r.value(n).integer, INT64_MIN);
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  EXPECT_EQ(r.value(n).kind, Kind::real);
  EXPECT_EQ(r.value(n).real, 1000.0);
}

namespace {

std::string describe(const JsonValue& v) {
  switch (v.kind) {
    case Kind::missing: return "missing";
    case Kind::null: return "null";
    case Kind::boolean: return v.boolean ? "true" : "false";
    case Kind::integer: return "integer " + std::to_string(v.integer) + " '" + std::string(v.text) + "'";
    case Kind::real: return "real " + std::to_string(v.real) + " '" + std::string(v.text) + "'";
    case Kind::string: return "string '" + std::string(v.text) + "'";
    case Kind::object: return "object " + std::string(v.text);
    case Kind::array: return "array " + std::string(v.text);
  }
  return "?";
}

// Damages records the way bad input does: a byte dropped, added or changed for one of the
// characters that matter to JSON.
std::string damaged(std::string line, std::uint32_t& seed) {
  auto next = [&seed] { return seed = seed * 1664525u + 1013904223u; };
  static const char bytes[] = "{}[]:,\"\\ \t0123456789-+.eEtrufalsn\xff\xc3\x01u";
  int edits = 1 + static_cast<int>((next() >> 16) % 3);
  for (int e = 0; e < edits && !line.empty(); ++e) {
    std::size_t at = (next() >> 8) % line.size();
    char c = bytes[(next() >> 16) % (sizeof bytes - 1)];
    switch ((next() >> 20) % 3) {
      case 0: line.erase(at, 1); break;
      case 1: line.insert(at, 1, c); break;
      default: line[at] = c; break;
    }
  }
  return line;
}

// What the agreement tests below ask of every record, and the records they damage.
FieldSet agreement_fields() {
  FieldSet fields;
  for (const char* p : {"host", "status", "bytes", "request", "ok", "none", "n", "s", "o", "`a\"b`"}) {
    fields.add(FieldPath::parse(p));
  }
  return fields;
}

std::vector<std::string> agreement_records() {
  return {
    R"({"host":"1.2.3.4","ident":"-","status":200,"bytes":2326,"request":"/index.html","agent":"Mozilla/5.0 [X11]"})",
    R"({"host":"h","status":404,"bytes":0,"ok":true,"none":null,"n":-17,"s":"t\"ab\u00e9"})",
    R"({ "status" : 301 , "bytes" : 12.5e3 , "o" : {"x":[1,{"y":null}],"z":"w"} , "n":[] , "s":{} })",
    R"({"request":"/a b?c=d&e","n":123456789012345678901,"s":"","a\"b":1,"\u0073tatus":5})",
    R"({"n":-0,"s":"\\","ok":false,"status":0,"x":[true,false,null,"",0.5,-1E-2,{}]})",
  };
}

}  // namespace

// RecordReader reads most records by a fast walk of its own, and falls back to simdjson's
// on-demand reader (which parse_record uses alone) for whatever it is unsure of. The two
// must agree on every record, damaged or not: same verdict, same values.
TEST(RecordReader, FastWalkAgreesWithOnDemandReader) {
  FieldSet fields = agreement_fields();
  const std::vector<std::string> records = agreement_records();
  std::uint32_t seed = 12345;
  std::string input;
  for (int round = 0; round < 4000; ++round) {
    const std::string& r = records[static_cast<std::size_t>(round) % records.size()];
    input += round % 5 == 0 ? r : damaged(r, seed);
    input += '\n';
  }
  libpipe::MemorySource src(input);
  libpipe::LineReader lines(src);
  libpipe::RecordReader reader(lines, fields);
  std::vector<JsonValue> expected;
  std::string error;
  int checked = 0, malformed = 0;
  for (;;) {
    auto status = reader.next();
    if (status == libpipe::RecordReader::end) break;
    std::string line(reader.line());
    bool ok = libpipe::parse_record(line, fields, expected, error);
    ASSERT_EQ(status == libpipe::RecordReader::ok, ok) << line << "\n" << (ok ? reader.error() : error);
    ++checked;
    if (!ok) {
      ++malformed;
      EXPECT_EQ(reader.error(), error) << line;
      continue;
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
      ASSERT_EQ(describe(reader.value(i)), describe(expected[i])) << fields.path(i).text() << " in " << line;
    }
  }
  EXPECT_GT(checked, 3900);
  EXPECT_GT(malformed, 500);        // damage was seen…
  EXPECT_LT(malformed, checked - 1000);  // …and so were good records
}

// Lines are read in runs, and stage 1 indexes a whole run at once (json_reader.cpp). The
// records taken from a run's index must be the records read one line at a time: same
// verdict, same error, same values, same line and line number, whatever the runs' bounds
// (the line reader's block decides them) and wherever the damage is. Damage is rare here,
// so that most runs pass stage 1 and their records come from the run's index.
TEST(RecordReader, RunsOfLinesAgreeWithOneLineAtATime) {
  FieldSet fields = agreement_fields();
  std::vector<std::string> records = agreement_records();
  records.insert(records.end(), {
      R"({"host":"10.0.0.1","status":200,"bytes":512,"request":"GET / HTTP/1.1"})",
      R"({})",
      "{\"status\":1}\r",
      "  {\"status\":2}  ",
      "\t",
      "",
      "{\"status\":3}{\"status\":4}",
      R"({"host":"h\u0041","status":500,"bytes":7,"request":"/x\\y"})",
  });
  std::uint32_t seed = 4242;
  std::string input;
  for (int round = 0; round < 6000; ++round) {
    const std::string& r = records[((seed = seed * 1664525u + 1013904223u) >> 8) % records.size()];
    input += round % 37 == 5 ? damaged(r, seed) : r;
    input += '\n';
  }
  input += R"({"status":9,"host":"last line, no newline"})";
  // Split by hand: the lines the reader must give, blank ones (space, tab, CR) left out.
  std::vector<std::pair<std::uint64_t, std::string>> expected_lines;
  {
    std::uint64_t number = 0;
    std::size_t from = 0;
    while (from < input.size()) {
      std::size_t nl = input.find('\n', from);
      if (nl == std::string::npos) nl = input.size();
      std::string line = input.substr(from, nl - from);
      ++number;
      if (line.find_first_not_of(" \t\r") != std::string::npos) expected_lines.emplace_back(number, line);
      from = nl + 1;
    }
  }
  for (std::size_t block : {std::size_t{64}, std::size_t{300}, std::size_t{4096}, libpipe::LineReader::default_block}) {
    libpipe::MemorySource src(input);
    libpipe::LineReader lines(src, block);
    libpipe::RecordReader reader(lines, fields);
    std::vector<JsonValue> expected;
    std::string error;
    std::size_t n = 0;
    int malformed = 0, good = 0;
    for (;; ++n) {
      auto status = reader.next();
      if (status == libpipe::RecordReader::end) break;
      ASSERT_LT(n, expected_lines.size()) << "block " << block;
      ASSERT_EQ(reader.line(), expected_lines[n].second) << "block " << block;
      ASSERT_EQ(reader.line_number(), expected_lines[n].first) << "block " << block;
      std::string line(reader.line());
      bool ok = libpipe::parse_record(line, fields, expected, error);
      ASSERT_EQ(status == libpipe::RecordReader::ok, ok)
          << "block " << block << ": " << line << "\n" << (ok ? reader.error() : error);
      if (!ok) {
        ++malformed;
        EXPECT_EQ(reader.error(), error) << line;
        continue;
      }
      ++good;
      for (std::size_t i = 0; i < fields.size(); ++i) {
        ASSERT_EQ(describe(reader.value(i)), describe(expected[i]))
            << "block " << block << ": " << fields.path(i).text() << " in " << line;
      }
    }
    EXPECT_EQ(n, expected_lines.size()) << "block " << block;
    EXPECT_GT(malformed, 400) << "block " << block;  // lines of two records, and the damaged ones
    EXPECT_GT(good, 4000) << "block " << block;
  }
}

// A broken record may be walked past its line in a run's index before the walk gives up;
// the next line is then walked again from its start, and must not miss the backslash of a
// key it holds (the walk remembers where it last looked for backslashes).
TEST(RecordReader, RecordWalkedPastItsLineLeavesTheNextLineIntact) {
  FieldSet fields;
  auto status = fields.add(FieldPath::parse("status"));
  auto host = fields.add(FieldPath::parse("host"));
  libpipe::MemorySource src(
      "{\"x\":[\n"
      "{\"st\\u0061tus\":5}\n"
      "],\"host\":\"h\"}\n"
      "{\"host\":\"\\u0068\",\"status\":6}\n");
  libpipe::LineReader lines(src);
  libpipe::RecordReader r(lines, fields);
  EXPECT_EQ(r.next(), libpipe::RecordReader::malformed);
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  EXPECT_EQ(r.value(status).integer, 5);
  EXPECT_TRUE(r.value(host).is_missing());
  EXPECT_EQ(r.next(), libpipe::RecordReader::malformed);
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  EXPECT_EQ(r.value(host).text, "h");
  EXPECT_EQ(r.value(status).integer, 6);
  EXPECT_EQ(r.line_number(), 4u);
  EXPECT_EQ(r.next(), libpipe::RecordReader::end);
}

// An object or array wanted whole is printed as written, so all of it must be valid JSON,
// however deep the damage (found by the json_reader fuzz target: `{"c"::17}` came out as is).
TEST(RecordReader, ObjectsWantedWholeAreCheckedInFull) {
  FieldSet fields;
  auto b = fields.add(FieldPath::parse("b"));
  libpipe::MemorySource src(
      "{\"b\":{\"c\"::17}}\n"
      "{\"b\":[1,{\"x\":tru}]}\n"
      "{\"b\":{\"c\":[1,2,]}}\n"
      "{\"b\":{\"c\":\"\\q\"}}\n"
      "{\"b\":{\"c\":01}}\n"
      "{\"b\":{\"c\":[1,{\"d\":123456789012345678901234567890}],\"e\":null}}\n");
  libpipe::LineReader lines(src);
  libpipe::RecordReader r(lines, fields);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(r.next(), libpipe::RecordReader::malformed) << "line " << i + 1;
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  EXPECT_EQ(r.value(b).kind, Kind::object);
  EXPECT_EQ(r.value(b).text, "{\"c\":[1,{\"d\":123456789012345678901234567890}],\"e\":null}");
}

TEST(RecordReader, ObjectsWantedWholeAndInsideAreCheckedInFull) {
  FieldSet fields;
  auto a = fields.add(FieldPath::parse("a"));
  auto ab = fields.add(FieldPath::parse("a.b"));
  libpipe::MemorySource src("{\"a\":{\"b{\":\"c\":5}}\n{\"a\":{\"b\":5}}\n");
  libpipe::LineReader lines(src);
  libpipe::RecordReader r(lines, fields);
  EXPECT_EQ(r.next(), libpipe::RecordReader::malformed);
  ASSERT_EQ(r.next(), libpipe::RecordReader::ok) << r.error();
  EXPECT_EQ(r.value(a).text, "{\"b\":5}");
  EXPECT_EQ(r.value(ab).integer, 5);
}
