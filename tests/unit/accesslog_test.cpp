#include "libpipe/accesslog.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "libpipe/error.hpp"
#include "libpipe/json_reader.hpp"
#include "libpipe/logsim.hpp"
#include "libpipe/tsv.hpp"

namespace {

std::string record_once(const std::string& line, const std::string& format, const libpipe::RecordOptions& options,
                        bool padded, bool fast_path = true) {
  libpipe::AccessLogParser parser(libpipe::apachelog_format(format));
  parser.set_padded(padded);
  parser.set_fast_path(fast_path);
  libpipe::AccessLogWriter writer(parser, options);
  // Padded: the line is followed by AccessLogParser::padding bytes that must not matter (quotes, spaces).
  std::string buffer = line + (padded ? std::string(libpipe::AccessLogParser::padding, '"') : std::string());
  if (!parser.parse(std::string_view(buffer.data(), line.size()))) return "rejected";
  std::string out = writer.header();
  writer.append(out);
  out.pop_back();  // the newline
  return out;
}

// The JSON record apachelog writes for a line, or "rejected"; the same with the 16-byte
// scans of a padded line (as apachelog reads them) and without, and with the hard-coded
// Common/Combined path and without.
std::string record(const std::string& line, const std::string& format = "", libpipe::RecordOptions options = {}) {
  std::string plain = record_once(line, format, options, false);
  std::string padded = record_once(line, format, options, true);
  EXPECT_EQ(plain, padded) << "padded and unpadded scans differ on: " << line;
  for (bool pad : {false, true}) {
    EXPECT_EQ(record_once(line, format, options, pad, false), plain)
        << "the fast path and the general parser differ" << (pad ? " (padded)" : "") << " on: " << line;
  }
  return plain;
}

std::string time_of(const std::string& text, libpipe::TimeSyntax syntax, libpipe::TimeOutput how = libpipe::TimeOutput::iso,
                    const std::string& pattern = {}) {
  libpipe::LogTime t;
  if (!libpipe::parse_log_time(text, syntax, pattern, t)) return "unreadable";
  std::string out;
  if (how == libpipe::TimeOutput::iso) libpipe::append_iso_time(out, t);
  else libpipe::append_epoch_time(out, t);
  return out;
}

// Numbers below a bound from a fixed seed, so that the generated cases are the same on
// every run: next(n) is in [0, n).
struct Lcg {
  std::uint64_t state;
  std::uint64_t operator()(std::uint64_t below) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % below;
  }
};

const std::string tutorial_line =
    R"(140.180.132.213 - - [24/Feb/2008:00:08:59 -0600] "GET /ply/ply.html HTTP/1.1" 200 97238)";

}  // namespace

TEST(AccessLog, CommonLineGivesTheTutorialsRecord) {
  EXPECT_EQ(record(tutorial_line),
            R"({"host":"140.180.132.213","ident":"-","user":"-","datetime":"24/Feb/2008:00:08:59 -0600",)"
            R"("method":"GET","request":"/ply/ply.html","proto":"HTTP/1.1","status":200,"bytes":97238})");
}

TEST(AccessLog, CombinedLineAddsRefererAndAgent) {
  EXPECT_EQ(record(tutorial_line + R"x( "http://www.dabeaz.com/" "Mozilla/5.0 (X11)")x"),
            R"({"host":"140.180.132.213","ident":"-","user":"-","datetime":"24/Feb/2008:00:08:59 -0600",)"
            R"("method":"GET","request":"/ply/ply.html","proto":"HTTP/1.1","status":200,"bytes":97238,)"
            R"x("referer":"http://www.dabeaz.com/","agent":"Mozilla/5.0 (X11)"})x");
}

TEST(AccessLog, DashBytesIsZeroOtherDashesStay) {
  EXPECT_EQ(record(R"(1.2.3.4 - frank [24/Feb/2008:00:08:59 -0600] "GET / HTTP/1.1" 304 - "-" "-")"),
            R"({"host":"1.2.3.4","ident":"-","user":"frank","datetime":"24/Feb/2008:00:08:59 -0600",)"
            R"("method":"GET","request":"/","proto":"HTTP/1.1","status":304,"bytes":0,"referer":"-","agent":"-"})");
}

TEST(AccessLog, ApacheEscapesAreDecoded) {
  EXPECT_EQ(record(R"(1.2.3.4 - - [24/Feb/2008:00:08:59 -0600] "GET /a\"b\\c HTTP/1.1" 200 1 "-" "x\x41\x01")",
                   "", {.fields = {"request", "agent"}}),
            R"({"request":"/a\"b\\c","agent":"xA\u0001"})");
  std::string scratch;
  EXPECT_EQ(libpipe::decode_log_escapes(R"(\n\t\r\b\v\\\"\x7e\x22\u00e9\q\x4)", scratch),
            "\n\t\r\b\v\\\"~\"\xC3\xA9\\q\\x4");
  EXPECT_EQ(libpipe::decode_log_escapes("plain", scratch), "plain");
  EXPECT_EQ(libpipe::decode_log_escapes("end\\", scratch), "end\\");
}

TEST(AccessLog, MessyRequestLines) {
  auto req = [](const std::string& r) {
    return record("h - - [24/Feb/2008:00:08:59 -0600] \"" + r + "\" 400 0", "",
                  {.fields = {"method", "request", "proto", "status"}});
  };
  EXPECT_EQ(req("-"), R"({"request":"-","status":400})");
  EXPECT_EQ(req(""), R"({"request":"","status":400})");
  EXPECT_EQ(req("GET /"), R"({"method":"GET","request":"/","status":400})");  // HTTP/0.9
  EXPECT_EQ(req("/just/a/path"), R"({"request":"/just/a/path","status":400})");
  EXPECT_EQ(req("GET /a b c HTTP/1.1"), R"({"method":"GET","request":"/a b c","proto":"HTTP/1.1","status":400})");
  EXPECT_EQ(req(R"(\x16\x03\x01\x02\x00\x01)"), R"({"request":"\u0016\u0003\u0001\u0002\u0000\u0001","status":400})");
  EXPECT_EQ(req("PROPFIND /dav/ HTTP/1.1"), R"({"method":"PROPFIND","request":"/dav/","proto":"HTTP/1.1","status":400})");
  EXPECT_EQ(req("GET /x HTTP/1.1 junk"), R"({"method":"GET","request":"/x HTTP/1.1 junk","status":400})");
  // The protocol's space is looked for in the request's last 16 bytes, then before them.
  EXPECT_EQ(req("GET /x HTTP/1.1 and-more-than-16-bytes"),
            R"({"method":"GET","request":"/x HTTP/1.1 and-more-than-16-bytes","status":400})");
  EXPECT_EQ(req("GET /x HTTP/1.1-and-more-than-sixteen-bytes"),
            R"({"method":"GET","request":"/x","proto":"HTTP/1.1-and-more-than-sixteen-bytes","status":400})");
  EXPECT_EQ(req("GET HTTP/1.0"), R"({"method":"GET","request":"HTTP/1.0","status":400})");  // not the method's space
  EXPECT_EQ(req("GET /0123456789abcdef0123456789 HTTP/2"),
            R"({"method":"GET","request":"/0123456789abcdef0123456789","proto":"HTTP/2","status":400})");
  // An unescaped quote inside (nginx with escape=none): the closing quote is the one
  // followed by the rest of the format.
  EXPECT_EQ(req(R"(GET /a"b HTTP/1.1)"), R"({"method":"GET","request":"/a\"b","proto":"HTTP/1.1","status":400})");
}

TEST(AccessLog, LinesCutOffKeepWhatTheyHave) {
  const std::string whole = tutorial_line + R"( "http://x/" "Mozilla/5.0")";
  EXPECT_EQ(record(whole.substr(0, whole.find("Mozilla") + 4), "", {.fields = {"status", "agent"}}),
            R"({"status":200,"agent":"Mozi"})");
  EXPECT_EQ(record(whole.substr(0, whole.find("ply.html")), "", {.fields = {"method", "request", "proto", "status"}}),
            R"({"method":"GET","request":"/ply/"})");
  EXPECT_EQ(record(whole.substr(0, whole.find("] \"") + 1)),
            R"({"host":"140.180.132.213","ident":"-","user":"-","datetime":"24/Feb/2008:00:08:59 -0600"})");
  // Cut inside the timestamp, or before it: no usable shape.
  EXPECT_EQ(record(whole.substr(0, whole.find("2008"))), "rejected");
  EXPECT_EQ(record("140.180.132.213 - -"), "rejected");
}

TEST(AccessLog, JunkIsRejected) {
  EXPECT_EQ(record(""), "rejected");
  EXPECT_EQ(record("GET /index.html HTTP/1.0"), "rejected");
  EXPECT_EQ(record("[error] [client 10.0.0.1] File does not exist: /var/www/favicon.ico"), "rejected");
  static const char junk[] = "\x00\xff\x1b[2J \"\" [ ] -";
  EXPECT_EQ(record(std::string(junk, sizeof junk - 1)), "rejected");
}

// Short integers are checked and copied eight bytes at a time on a padded line: every
// length around eight, leading zeros, and a non-digit at each place.
TEST(AccessLog, IntegersOfEveryLength) {
  auto bytes = [](const std::string& b) {
    return record(R"(h - - [24/Feb/2008:00:08:59 -0600] "GET / HTTP/1.1" 200 )" + b, "", {.fields = {"bytes"}});
  };
  std::string digits;
  for (int n = 1; n <= 12; ++n) {
    digits += static_cast<char>('0' + n % 10);
    EXPECT_EQ(bytes(digits), R"({"bytes":)" + digits + "}");
    for (int at = 0; at < n; ++at) {
      for (char junk : {'/', ':', 'a', ' ', '-'}) {
        std::string b = digits;
        b[static_cast<std::size_t>(at)] = junk;
        if (b == "-") continue;  // 0: the tutorial's field_map
        std::string got = bytes(b);
        if (junk == ' ') {
          EXPECT_EQ(got, at == 0 ? std::string(R"({"bytes":""})") : R"({"bytes":)" + b.substr(0, at) + "}") << b;
        } else {
          EXPECT_EQ(got, R"({"bytes":")" + b + "\"}") << b;
        }
      }
    }
  }
  EXPECT_EQ(bytes("0"), R"({"bytes":0})");
  EXPECT_EQ(bytes("00"), R"({"bytes":0})");
  EXPECT_EQ(bytes("0012"), R"({"bytes":12})");
  EXPECT_EQ(bytes("99999999"), R"({"bytes":99999999})");
  // Digits after the field, in the line or in the padding, are not the number's.
  EXPECT_EQ(record(R"(h - - [24/Feb/2008:00:08:59 -0600] "GET / HTTP/1.1" 2 1 "12345678" "9")", "",
                   {.fields = {"status", "bytes", "referer"}}),
            R"({"status":2,"bytes":1,"referer":"12345678"})");
  libpipe::AccessLogParser parser(libpipe::apachelog_format(""));
  parser.set_padded(true);
  libpipe::AccessLogWriter writer(parser, {.fields = {"bytes"}});
  std::string line = R"(h - - [24/Feb/2008:00:08:59 -0600] "GET / HTTP/1.1" 200 42)";
  std::string buffer = line + std::string(libpipe::AccessLogParser::padding, '7');
  ASSERT_TRUE(parser.parse(std::string_view(buffer.data(), line.size())));
  std::string out;
  writer.append(out);
  EXPECT_EQ(out, "{\"bytes\":42}\n");
}

TEST(AccessLog, StatusThatIsNotANumberStaysText) {
  EXPECT_EQ(record(R"(h - - [24/Feb/2008:00:08:59 -0600] "GET / HTTP/1.1" - -)", "", {.fields = {"status", "bytes"}}),
            R"({"status":"-","bytes":0})");
  EXPECT_EQ(record(R"(h - - [24/Feb/2008:00:08:59 -0600] "GET / HTTP/1.1" 0200 x12)", "", {.fields = {"status", "bytes"}}),
            R"({"status":200,"bytes":"x12"})");
  EXPECT_EQ(record(R"(h - - [24/Feb/2008:00:08:59 -0600] "GET / HTTP/1.1" 200 99999999999999999999)", "",
                   {.fields = {"bytes"}}),
            R"({"bytes":"99999999999999999999"})");
  EXPECT_EQ(record(R"(h - - [24/Feb/2008:00:08:59 -0600] "GET / HTTP/1.1" 200 9223372036854775807)", "",
                   {.fields = {"bytes"}}),
            R"({"bytes":9223372036854775807})");
}

TEST(AccessLog, Ipv6HostsCrlfAndTrailingText) {
  EXPECT_EQ(record("2001:db8::1 - - [24/Feb/2008:00:08:59 -0600] \"GET / HTTP/1.1\" 200 5\r", "", {.fields = {"host", "bytes"}}),
            R"({"host":"2001:db8::1","bytes":5})");
  // Combined plus something after (%D): the extra text is ignored.
  EXPECT_EQ(record(tutorial_line + R"( "-" "curl/8" 1234)", "", {.fields = {"agent"}}), R"({"agent":"curl/8"})");
  EXPECT_EQ(record(tutorial_line + " extra", "", {.fields = {"bytes", "referer"}}), R"({"bytes":97238})");
}

TEST(AccessLog, QuotesInsideTheLastFieldAndEscapedQuotes) {
  EXPECT_EQ(record(tutorial_line + R"( "-" "a "quoted" agent")", "", {.fields = {"agent"}}),
            R"({"agent":"a \"quoted\" agent"})");
  EXPECT_EQ(record(tutorial_line + R"( "-" "ends in backslash \\")", "", {.fields = {"agent"}}),
            R"({"agent":"ends in backslash \\"})");
}

TEST(AccessLog, InvalidUtf8AndControlsGiveValidJson) {
  std::string line = "h\x01 - - [24/Feb/2008:00:08:59 -0600] \"GET /\xff\xfe\xc3 HTTP/1.1\" 200 5 \"\x7f\" \"\xe2\x82\xac\"";
  std::string out = record(line);
  EXPECT_EQ(out,
            "{\"host\":\"h\\u0001\",\"ident\":\"-\",\"user\":\"-\",\"datetime\":\"24/Feb/2008:00:08:59 -0600\","
            "\"method\":\"GET\",\"request\":\"/\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\",\"proto\":\"HTTP/1.1\","
            "\"status\":200,\"bytes\":5,\"referer\":\"\x7f\",\"agent\":\"\xe2\x82\xac\"}");
  libpipe::FieldSet fields;
  fields.add(libpipe::FieldPath::parse("request"));
  std::vector<libpipe::JsonValue> values;
  std::string error;
  EXPECT_TRUE(libpipe::parse_record(out, fields, values, error)) << error;
}

TEST(AccessLog, ExplicitFormats) {
  EXPECT_EQ(record(tutorial_line, "common", {.fields = {"bytes"}}), R"({"bytes":97238})");
  EXPECT_EQ(record("www.example.com:443 " + tutorial_line + R"( "-" "curl")", "vhost_combined",
                   {.fields = {"vhost", "port", "host", "bytes_sent", "agent"}}),
            R"({"vhost":"www.example.com","port":443,"host":"140.180.132.213","bytes_sent":97238,"agent":"curl"})");
  EXPECT_EQ(record(R"(10.0.0.1 - - [24/Feb/2008:00:08:59 -0600] "GET / HTTP/1.1" 200 612 "-" "curl/7.88")", "nginx",
                   {.fields = {"host", "user", "bytes", "agent"}}),
            R"({"host":"10.0.0.1","user":"-","bytes":612,"agent":"curl/7.88"})");
  // Fields with nothing fixed around them, times and numbers.
  EXPECT_EQ(record(R"(1203833339.123 10.0.0.1 0.004 "GET /x?y=1 HTTP/2.0" 200 upstream=- rt=0.010)",
                   "$msec $remote_addr $request_time \"$request\" $status upstream=$upstream_addr rt=$upstream_response_time",
                   {.time = libpipe::TimeOutput::iso}),
            R"({"datetime":"1203833339.123","host":"10.0.0.1","request_time":0.004,"method":"GET","request":"/x?y=1",)"
            R"("proto":"HTTP/2.0","status":200,"upstream_addr":"-","upstream_response_time":0.010,)"
            R"("time":"2008-02-24T06:08:59.123Z"})");
  EXPECT_EQ(record("GET /search?q=1 HTTP/1.1 200", "%m %U%q %H %>s"),
            R"({"method":"GET","request":"/search","query":"?q=1","proto":"HTTP/1.1","status":200})");
  EXPECT_EQ(record("GET /search HTTP/1.1 200", "%m %U%q %H %>s"),
            R"({"method":"GET","request":"/search","query":"","proto":"HTTP/1.1","status":200})");
}

TEST(AccessLog, StrftimeTimeWithSpaces) {
  EXPECT_EQ(record("[2008-02-24 00:08:59] h 200", "[%{%Y-%m-%d %H:%M:%S}t] %h %>s", {.time = libpipe::TimeOutput::epoch}),
            R"({"datetime":"2008-02-24 00:08:59","host":"h","status":200,"time":1203811739})");
  EXPECT_EQ(record("2008-02-24 00:08:59 h 200", "%{%Y-%m-%d %H:%M:%S}t %h %>s", {.fields = {"datetime", "host"}}),
            R"({"datetime":"2008-02-24 00:08:59","host":"h"})");
}

TEST(AccessLog, TimeSyntaxes) {
  using TS = libpipe::TimeSyntax;
  EXPECT_EQ(time_of("24/Feb/2008:00:08:59 -0600", TS::clf), "2008-02-24T06:08:59Z");
  EXPECT_EQ(time_of("24/Feb/2008:00:08:59 -0600", TS::clf, libpipe::TimeOutput::epoch), "1203833339");
  EXPECT_EQ(time_of("01/Jan/1970:00:00:00 +0000", TS::clf, libpipe::TimeOutput::epoch), "0");
  EXPECT_EQ(time_of("31/Dec/1969:23:59:59 +0000", TS::clf, libpipe::TimeOutput::iso), "1969-12-31T23:59:59Z");
  EXPECT_EQ(time_of("29/Feb/2024:23:30:00 +0530", TS::clf), "2024-02-29T18:00:00Z");
  EXPECT_EQ(time_of("24/Foo/2008:00:08:59 -0600", TS::clf), "unreadable");
  EXPECT_EQ(time_of("24/Feb/2008:00:08:59", TS::clf), "2008-02-24T00:08:59Z");
  EXPECT_EQ(time_of("24/Feb/2008:00:08", TS::clf), "unreadable");
  EXPECT_EQ(time_of("2008-02-24T00:08:59-06:00", TS::iso8601), "2008-02-24T06:08:59Z");
  EXPECT_EQ(time_of("2008-02-24T06:08:59.250Z", TS::iso8601, libpipe::TimeOutput::epoch), "1203833339.250");
  EXPECT_EQ(time_of("1203833339", TS::epoch_s), "2008-02-24T06:08:59Z");
  EXPECT_EQ(time_of("1203833339123", TS::epoch_ms), "2008-02-24T06:08:59.123Z");
  EXPECT_EQ(time_of("1203833339000001", TS::epoch_us, libpipe::TimeOutput::epoch), "1203833339.000001");
  EXPECT_EQ(time_of("1203833339.5", TS::epoch_frac), "2008-02-24T06:08:59.5Z");
  EXPECT_EQ(time_of("Sun, 24 Feb 2008 00:08:59 +0100", TS::strftime, libpipe::TimeOutput::iso, "%a, %d %b %Y %T %z"),
            "2008-02-23T23:08:59Z");
  EXPECT_EQ(time_of("02/24/08 00:08", TS::strftime, libpipe::TimeOutput::iso, "%D %R"), "2008-02-24T00:08:00Z");
  EXPECT_EQ(time_of("junk", TS::unknown), "unreadable");
}

TEST(AccessLog, TimeFieldOnlyWhenReadable) {
  EXPECT_EQ(record(tutorial_line, "", {.fields = {"status", "time"}, .time = libpipe::TimeOutput::epoch}),
            R"({"status":200,"time":1203833339})");
  EXPECT_EQ(record("h - - [yesterday] \"GET / HTTP/1.1\" 200 1", "", {.fields = {"datetime", "time"}, .time = libpipe::TimeOutput::iso}),
            R"({"datetime":"yesterday"})");
}

TEST(AccessLog, FieldsAreCheckedAgainstTheFormat) {
  libpipe::AccessLogParser parser(libpipe::apachelog_format("common"));
  try {
    libpipe::AccessLogWriter writer(parser, {.fields = {"host", "agent"}});
    FAIL() << "no error";
  } catch (const libpipe::Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "--fields: this format has no field 'agent' (it has host, ident, user, datetime, method, request, proto, "
              "status, bytes)");
  }
  EXPECT_THROW(libpipe::AccessLogWriter(parser, {.fields = {"time"}}), libpipe::Error);
}

TEST(AccessLog, Tsv) {
  libpipe::RecordOptions tsv{.fields = {"host", "request", "bytes", "agent"}, .syntax = libpipe::RecordSyntax::tsv};
  EXPECT_EQ(record(R"(1.2.3.4 - - [24/Feb/2008:00:08:59 -0600] "GET /a\tb HTTP/1.1" 304 - "-" "x\\y")", "", tsv),
            "host\trequest\tbytes\tagent\n1.2.3.4\t/a\\tb\t0\tx\\\\y");
  EXPECT_EQ(record(tutorial_line, "", tsv), "host\trequest\tbytes\tagent\n140.180.132.213\t/ply/ply.html\t97238\t");
}

// What glogsim writes, apachelog reads back: every field of every line, both formats.
TEST(AccessLog, GlogsimLinesParseBackToTheirFields) {
  for (auto format : {libpipe::LogFormat::common, libpipe::LogFormat::combined}) {
    libpipe::LogSimulator sim({.seed = 3, .format = format});
    std::string text;
    for (int i = 0; i < 3000; ++i) sim.append_line(text);
    libpipe::AccessLogParser parser(libpipe::apachelog_format(""));
    libpipe::AccessLogWriter writer(parser, {.syntax = libpipe::RecordSyntax::tsv});
    std::size_t start = 0;
    int lines = 0;
    while (start < text.size()) {
      std::size_t nl = text.find('\n', start);
      std::string line = text.substr(start, nl - start);
      start = nl + 1;
      ASSERT_TRUE(parser.parse(line)) << line;
      std::string row;
      writer.append(row);
      // The same fields cut by hand: spaces, brackets and quotes.
      std::string expect;
      std::size_t b = line.find(" ["), e = line.find("] \""), q = line.find("\" ", e + 3);
      std::string head = line.substr(0, b);  // host ident user
      for (char& c : head) c = c == ' ' ? '\t' : c;
      std::string req = line.substr(e + 3, q - e - 3);
      std::size_t s1 = req.find(' '), s2 = req.rfind(' ');
      std::string rest = line.substr(q + 2);
      std::size_t sp = rest.find(' ');
      std::string status = rest.substr(0, sp);
      std::string after = rest.substr(sp + 1);
      std::string bytes = after.substr(0, after.find(' '));
      if (bytes == "-") bytes = "0";
      expect = head + "\t" + line.substr(b + 2, e - b - 2) + "\t" + req.substr(0, s1) + "\t" +
               req.substr(s1 + 1, s2 - s1 - 1) + "\t" + req.substr(s2 + 1) + "\t" + status + "\t" + bytes;
      if (format == libpipe::LogFormat::combined) {
        std::size_t r1 = after.find(" \"");
        std::string tail = after.substr(r1 + 2);  // referer" "agent"
        std::size_t mid = tail.find("\" \"");
        expect += "\t" + tail.substr(0, mid) + "\t" + tail.substr(mid + 3, tail.size() - mid - 4);
      } else {
        expect += "\t\t";
      }
      ASSERT_EQ(row, expect + "\n") << line;
      ++lines;
    }
    EXPECT_EQ(lines, 3000);
  }
}

// The hard-coded path for Common and Combined must give exactly the general parser's
// records, whatever the line: glogsim logs with damaged lines, each line also cut short
// and with a byte that ends or escapes fields put in somewhere. Its writer (padded lines:
// the fields copied as they are when the line needs no escaping) is checked against the
// general writer too: so the inserts include controls, invalid and valid UTF-8.
TEST(AccessLog, FastPathGivesTheGeneralParsersRecords) {
  std::vector<std::string> lines;
  for (auto format : {libpipe::LogFormat::common, libpipe::LogFormat::combined}) {
    libpipe::LogSimulator sim({.seed = 11, .format = format, .malformed_rate = 0.2});
    std::string text;
    for (int i = 0; i < 1500; ++i) sim.append_line(text);
    for (std::size_t start = 0; start < text.size();) {
      std::size_t nl = text.find('\n', start);
      lines.push_back(text.substr(start, nl - start));
      start = nl + 1;
    }
  }
  const std::vector<std::string> specials = {" ", "\"", "\\", "[", "]", "-", "\r", "\t", "\x80", "?", "\x01", "\x1f", "\x7f",
                                             "\xff", "\xc3\xa9", "\xe2\x82\xac", "\xed\xa0\x80", "\xc3", "\\x41", "\\\""};
  Lcg next{7};
  std::vector<std::string> variants;
  for (const auto& line : lines) {
    variants.push_back(line);
    if (line.empty()) continue;
    variants.push_back(line.substr(0, next(line.size())));
    for (int k = 0; k < 3; ++k) {
      std::string v = line;
      v.insert(next(v.size() + 1), specials[next(specials.size())]);
      variants.push_back(v);
    }
    variants.push_back(line + "\r");
    variants.push_back(line + " trailing");
  }
  // Long fields, around the 4 KB past which a line is checked field by field.
  for (std::size_t size : {15, 16, 17, 31, 300, 4000, 4095, 4096, 5000}) {
    for (std::size_t k = 0; k < 2; ++k) {
      std::string v = lines[k * 1500];
      std::size_t path = v.find(" /");
      if (path != std::string::npos) variants.push_back(v.insert(path + 2, std::string(size, 'a')));
    }
  }
  // Lines that just miss the usual shape parse_clf() guesses first: the first three spaces
  // within 32 bytes, a time of 26 bytes, a status of three digits.
  for (const char* odd : {
           R"(2001:0db8:85a3:0000:0000:8a2e:0370:7334 - - [24/Feb/2008:00:08:59 -0600] "GET / HTTP/1.1" 200 1)",
           R"(1.2.3.4 - a-user-name-of-some-length [24/Feb/2008:00:08:59 -0600] "GET / HTTP/1.1" 200 1)",
           R"(1.2.3.4 - - [24/Feb/2008:00:08:59 -06000] "GET / HTTP/1.1" 200 1)",
           R"(1.2.3.4 - - [24/Feb/2008:00:08:59 -060] "GET / HTTP/1.1" 200 1)",
           R"(1.2.3.4 - - [24/Feb/2008:00:0]:59 -0600] "GET / HTTP/1.1" 200 1)",
           R"(1.2.3.4 - - [24/Feb/2008:00:08:59 -0600]] "GET / HTTP/1.1" 200 1)",
           R"(1.2.3.4 - - [24/Feb/2008:00:08:59 -0600] "GET / HTTP/1.1" 20 1)",
           R"(1.2.3.4 - - [24/Feb/2008:00:08:59 -0600] "GET / HTTP/1.1" 2000 1)",
           R"(1.2.3.4 - - [24/Feb/2008:00:08:59 -0600] "GET / HTTP/1.1" 2 0 1)",
           R"(1.2.3.4 - - [24/Feb/2008:00:08:59 -0600] "GET / HTTP/1.1" 200)",
           R"(1.2.3.4 - - [24/Feb/2008:00:08:59 -0600] "GET / HTTP/1.1" 200 1 "-" "agent")",
           R"(a b c [24/Feb/2008:00:08:59 -0600] "GET / HTTP/1.1" 200 1)",
           R"(a b c [x] "y" 1 2)", "a b c", "a b  c [", "a b c [24/Feb/2008:00:08:59 -0600]"}) {
    variants.push_back(odd);
  }
  for (const std::string format : {"", "common", "combined", R"(%h %l %u %t "%r" %>s %b)"}) {
    for (bool padded : {false, true}) {
      libpipe::AccessLogParser fast(libpipe::apachelog_format(format)), general(libpipe::apachelog_format(format));
      fast.set_padded(padded);
      general.set_padded(padded);
      general.set_fast_path(false);
      libpipe::AccessLogWriter fast_writer(fast, {}), general_writer(general, {});
      int parsed = 0;
      for (const auto& line : variants) {
        std::string buffer = line + std::string(libpipe::AccessLogParser::padding, '"');
        std::string_view view(buffer.data(), line.size());
        bool ok = fast.parse(view);
        ASSERT_EQ(ok, general.parse(view)) << "format '" << format << "': " << line;
        if (!ok) continue;
        ++parsed;
        std::string a, b;
        fast_writer.append(a);
        general_writer.append(b);
        ASSERT_EQ(a, b) << "format '" << format << "'" << (padded ? " padded" : "") << ": " << line;
      }
      EXPECT_GT(parsed, 3000) << format;
    }
  }
}

// --time reads the date, hour and zone of a CLF time once for all the lines of an hour:
// whatever the order of the lines, each record's time must be what reading its text
// whole gives (or none when that cannot read it).
TEST(AccessLog, TimesOfAnHourAreReadAsWhenReadWhole) {
  std::vector<std::string> times;
  for (const char* hour : {"24/Feb/2008:00:", "24/Feb/2008:01:", "31/Dec/1969:23:", "29/Feb/2024:23:"}) {
    for (const char* clock : {"08:59", "00:00", "59:60", "59:59", "60:00", "07:61", "0x:10", "10:1x", "10-10"}) {
      for (const char* zone : {" -0600", " +0000", " +0530", " -0600"}) times.push_back(std::string(hour) + clock + zone);
    }
  }
  // Texts of other shapes between them: a one-digit day, a fraction, a zone with a colon,
  // none, 'Z', and the 26 bytes of the usual text with a separator moved.
  for (const char* other : {"4/Feb/2008:00:08:59 -0600", "24/Feb/2008:00:08:59.5 -0600", "24/Feb/2008:00:08:59 -06:00",
                            "24/Feb/2008:00:08:59", "24/Feb/2008:00:08:59 Z", "24/Feb/2008:00:0859: -0600",
                            "24/Feb/2008:00:08:59 -060x", "24/Feb/20080:0:08:59 -0600", "24/Feb/2008:00:08:59 -2400"}) {
    times.push_back(other);
  }
  Lcg next{5};
  for (auto how : {libpipe::TimeOutput::epoch, libpipe::TimeOutput::iso}) {
    for (auto syntax : {libpipe::RecordSyntax::json, libpipe::RecordSyntax::tsv}) {
      libpipe::AccessLogParser parser(libpipe::apachelog_format(""));
      parser.set_padded(true);
      libpipe::AccessLogWriter writer(parser, {.fields = {"time"}, .syntax = syntax, .time = how});
      for (int i = 0; i < 4000; ++i) {
        const std::string& time = times[i < 2 * static_cast<int>(times.size()) ? i % times.size() : next(times.size())];
        std::string line = "1.2.3.4 - - [" + time + "] \"GET / HTTP/1.1\" 200 1" + std::string(libpipe::AccessLogParser::padding, '"');
        ASSERT_TRUE(parser.parse(std::string_view(line.data(), line.size() - 16)));
        std::string got;
        writer.append(got);
        std::string whole = time_of(time, libpipe::TimeSyntax::clf, how);
        std::string expect = whole == "unreadable" ? "" : whole;
        if (syntax == libpipe::RecordSyntax::json) {
          if (how == libpipe::TimeOutput::iso && !expect.empty()) expect = '"' + expect + '"';
          expect = expect.empty() ? "{}" : "{\"time\":" + expect + "}";
        }
        ASSERT_EQ(got, expect + "\n") << time << " after " << (i > 0 ? "another line" : "none");
      }
    }
  }
}

// TSV cells are copied sixteen bytes at a time up to the first byte that needs escaping
// or starts a log escape: every cell must be what decoding and escaping it whole gives.
TEST(AccessLog, TsvCellsAreTheirDecodedAndEscapedText) {
  libpipe::LogSimulator sim({.seed = 21, .format = libpipe::LogFormat::combined, .malformed_rate = 0.1});
  std::string text;
  for (int i = 0; i < 1500; ++i) sim.append_line(text);
  const std::vector<std::string> specials = {"\t", "\n", "\r", "\\", "\\t", "\\x41", "\\\"", "\\\\", "\x01", "\xff"};
  Lcg next{9};
  libpipe::AccessLogParser parser(libpipe::apachelog_format(""));
  libpipe::AccessLogWriter writer(parser, {.syntax = libpipe::RecordSyntax::tsv});
  int checked = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl - start);
    start = nl + 1;
    for (int k = 0; k < 3; ++k) line.insert(next(line.size() + 1), specials[next(specials.size())]);
    if (!parser.parse(line)) continue;
    std::string expect, scratch;
    for (std::size_t c = 0; c < parser.columns().size(); ++c) {
      if (c > 0) expect += '\t';
      if (!parser.has(c)) continue;
      std::string_view raw = parser.raw(c);
      libpipe::FieldType type = parser.columns()[c].type;
      if (type == libpipe::FieldType::bytes && raw == "-") {
        expect += '0';
      } else if ((type == libpipe::FieldType::integer || type == libpipe::FieldType::bytes) && !raw.empty() &&
                 raw.find_first_not_of("0123456789") == std::string_view::npos) {
        // A JSON integer's digits when it fits in 64 bits, as in the JSON records.
        std::size_t zeros = std::min(raw.find_first_not_of('0'), raw.size() - 1);
        std::string_view digits = raw.substr(zeros);
        if (digits.size() < 19 || (digits.size() == 19 && digits <= "9223372036854775807")) expect += digits;
        else libpipe::append_tsv_escaped(expect, raw);
      } else {
        libpipe::append_tsv_escaped(expect, libpipe::decode_log_escapes(raw, scratch));
      }
    }
    std::string got;
    writer.append(got);
    ASSERT_EQ(got, expect + "\n") << line;
    ++checked;
  }
  EXPECT_GT(checked, 1000);
}
