#include "libpipe/json_writer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "libpipe/json_reader.hpp"

namespace {
std::string as_json(std::string_view s) {
  std::string out;
  libpipe::append_json_string(out, s);
  return out;
}
}  // namespace

TEST(JsonWriter, PlainTextIsCopied) { EXPECT_EQ(as_json("GET /index.html"), "\"GET /index.html\""); }

TEST(JsonWriter, QuotesBackslashesAndControlsAreEscaped) {
  EXPECT_EQ(as_json("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(as_json("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(as_json(std::string("\x00\x01\x1f", 3)), "\"\\u0000\\u0001\\u001f\"");
}

TEST(JsonWriter, ValidUtf8IsKept) {
  EXPECT_EQ(as_json("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
}

TEST(JsonWriter, InvalidUtf8BecomesReplacementCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(as_json("a\xFFz"), "\"a" + fffd + "z\"");                 // never valid
  EXPECT_EQ(as_json("a\x80z"), "\"a" + fffd + "z\"");                 // stray continuation
  EXPECT_EQ(as_json("a\xC3"), "\"a" + fffd + "\"");                   // cut off at the end
  EXPECT_EQ(as_json("\xE2\x82z"), "\"" + fffd + "z\"");               // cut off in the middle
  EXPECT_EQ(as_json("\xC0\xAF"), "\"" + fffd + "\"");                 // overlong
  EXPECT_EQ(as_json("\xED\xA0\x80"), "\"" + fffd + "\"");             // surrogate
  EXPECT_EQ(as_json("\xF4\x90\x80\x80"), "\"" + fffd + "\"");         // above U+10FFFF
}

TEST(JsonWriter, AnyBytesGiveJsonThatParses) {
  // Every byte value, in every position of a short string, must come out as valid JSON.
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  for (std::size_t start = 0; start < all.size(); start += 5) {
    std::string rec;
    libpipe::RecordWriter w(rec);
    w.begin();
    w.string("k", all.substr(start, 11));
    w.end();
    libpipe::FieldSet fields;
    fields.add(libpipe::FieldPath::parse("k"));
    std::vector<libpipe::JsonValue> values;
    std::string error;
    EXPECT_TRUE(libpipe::parse_record(rec, fields, values, error)) << error << " for " << rec;
  }
}

TEST(JsonWriter, IntegersAreExact) {
  std::string out;
  libpipe::append_json_integer(out, std::numeric_limits<std::int64_t>::min());
  out += ' ';
  libpipe::append_json_unsigned(out, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(out, "-9223372036854775808 18446744073709551615");
}

TEST(JsonWriter, NumbersRoundTripAndNonFiniteIsNull) {
  std::string out;
  libpipe::append_json_number(out, 0.1);
  out += ' ';
  libpipe::append_json_number(out, 2.5e-300);
  out += ' ';
  libpipe::append_json_number(out, std::nan(""));
  out += ' ';
  libpipe::append_json_number(out, std::numeric_limits<double>::infinity());
  EXPECT_EQ(out, "0.1 2.5e-300 null null");
}

TEST(JsonWriter, RecordWriterBuildsOneLine) {
  std::string rec = "left over";
  libpipe::RecordWriter w(rec);
  w.begin();
  w.string("host", "1.2.3.4");
  w.integer("status", 404);
  w.number("ratio", 0.5);
  w.boolean("ok", false);
  w.null("user");
  w.raw("nested", "{\"a\":[1,2]}");
  w.end();
  EXPECT_EQ(rec, "{\"host\":\"1.2.3.4\",\"status\":404,\"ratio\":0.5,\"ok\":false,\"user\":null,"
                 "\"nested\":{\"a\":[1,2]}}\n");
  w.begin();
  w.end();
  EXPECT_EQ(rec, "{}\n");
}
