#include "libpipe/logformat.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "libpipe/error.hpp"

namespace {

using libpipe::compile_log_format;
using libpipe::FieldType;
using libpipe::TimeSyntax;

std::string keys(const libpipe::CompiledFormat& f) {
  std::string s;
  for (const auto& k : f.keys()) s += (s.empty() ? "" : " ") + k;
  return s;
}

std::string error_of(const std::string& format) {
  try {
    compile_log_format(format);
  } catch (const libpipe::Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(LogFormat, CommonAndCombinedGiveTheTutorialsFields) {
  auto common = compile_log_format("common");
  EXPECT_EQ(keys(common), "host ident user datetime method request proto status bytes");
  EXPECT_EQ(common.steps[3].before, " [");
  EXPECT_EQ(common.steps[4].before, "] \"");
  EXPECT_EQ(common.anchor, 3u);  // the timestamp
  EXPECT_EQ(common.steps[6].field.type, FieldType::bytes);
  auto combined = compile_log_format("combined");
  EXPECT_EQ(keys(combined), "host ident user datetime method request proto status bytes referer agent");
  EXPECT_EQ(combined.after, "\"");
}

TEST(LogFormat, VhostCombinedAndNginx) {
  EXPECT_EQ(keys(compile_log_format("vhost_combined")),
            "vhost port host ident user datetime method request proto status bytes_sent referer agent");
  // nginx writes a literal '-' where Apache has %l: no ident.
  auto nginx = compile_log_format("nginx");
  EXPECT_EQ(keys(nginx), "host user datetime method request proto status bytes referer agent");
  EXPECT_EQ(nginx.steps[1].before, " - ");
}

TEST(LogFormat, EveryApacheDirectiveHasAName) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"%a", "client_ip"}, {"%{c}a", "peer_ip"}, {"%A", "local_ip"}, {"%b", "bytes"}, {"%B", "bytes"},
      {"%{sid}C", "cookie_sid"}, {"%D", "duration_us"}, {"%{HOME}e", "env_home"}, {"%f", "filename"},
      {"%h", "host"}, {"%H", "proto"}, {"%{X-Forwarded-For}i", "x_forwarded_for"}, {"%I", "bytes_received"},
      {"%k", "keepalive"}, {"%l", "ident"}, {"%L", "log_id"}, {"%m", "method"}, {"%{n1}n", "note_n1"},
      {"%{Content-Type}o", "resp_content_type"}, {"%O", "bytes_sent"}, {"%p", "port"},
      {"%{remote}p", "remote_port"}, {"%{local}p", "local_port"}, {"%P", "pid"}, {"%{tid}P", "tid"},
      {"%q", "query"}, {"%R", "handler"}, {"%s", "status"}, {"%>s", "status"}, {"%<s", "status"},
      {"%S", "bytes_transferred"}, {"%t", "datetime"}, {"%{sec}t", "datetime"}, {"%T", "duration_s"},
      {"%{ms}T", "duration_ms"}, {"%{us}T", "duration_us"}, {"%u", "user"}, {"%U", "request"},
      {"%v", "vhost"}, {"%V", "server_name"}, {"%X", "conn_status"}, {"%{User-Agent}i", "agent"},
      {"%{Referer}i", "referer"}, {"%400,501{Referer}i", "referer"}, {"%!200{Referer}i", "referer"},
  };
  for (const auto& [directive, key] : cases) {
    auto f = compile_log_format(directive);
    ASSERT_EQ(f.steps.size(), 1u) << directive;
    EXPECT_EQ(f.steps[0].field.keys.at(0), key) << directive;
    EXPECT_EQ(f.steps[0].field.directive, directive);
  }
  EXPECT_EQ(keys(compile_log_format("%r")), "method request proto");
}

TEST(LogFormat, TypesOfNumbersAndTimes) {
  auto f = compile_log_format("%>s %b %B %D %{msec}t %{%Y-%m-%d %H:%M:%S}t %{%Q}t");
  EXPECT_EQ(f.steps[0].field.type, FieldType::integer);
  EXPECT_EQ(f.steps[1].field.type, FieldType::bytes);
  EXPECT_EQ(f.steps[3].field.type, FieldType::integer);
  EXPECT_EQ(f.steps[4].field.time, TimeSyntax::epoch_ms);
  EXPECT_EQ(f.steps[5].field.time, TimeSyntax::strftime);
  EXPECT_EQ(f.steps[5].field.strftime, "%Y-%m-%d %H:%M:%S");
  EXPECT_EQ(f.steps[6].field.time, TimeSyntax::unknown);  // kept, but --time cannot read it
  EXPECT_EQ(keys(f), "status bytes bytes_2 duration_us datetime datetime_2 datetime_3");
}

TEST(LogFormat, ApacheConfigEscapesAndPercent) {
  // Pasted from httpd.conf, with its backslashes.
  auto f = compile_log_format(R"(%h \"%r\" 100%% %>s)");
  EXPECT_EQ(f.steps[1].before, " \"");
  EXPECT_EQ(f.steps[2].before, "\" 100% ");
  auto tabs = compile_log_format(R"(%h\t%>s)");
  EXPECT_EQ(tabs.steps[1].before, "\t");
}

TEST(LogFormat, DuplicateKeysAreNumbered) {
  EXPECT_EQ(keys(compile_log_format("%h %h %m %r")), "host host_2 method method_2 request proto");
}

TEST(LogFormat, UnknownDirectivesAndBadFormatsAreNamed) {
  EXPECT_EQ(error_of("%h %Z %u"), "--format: unknown directive %Z");
  EXPECT_EQ(error_of("%h %{Foo}Y"), "--format: unknown directive %{Foo}Y");
  EXPECT_EQ(error_of("%h %{Referer"), "--format: unclosed { in directive %{Referer");
  EXPECT_EQ(error_of("%h %"), "--format: lone % at the end of the format");
  EXPECT_EQ(error_of("%h %i"), "--format: directive %i needs a Header, like %{Header}i");
  EXPECT_EQ(error_of("%h%u"), "--format: %h and %u have nothing between them, so they cannot be told apart");
  EXPECT_EQ(error_of("plain text"),
            "--format: 'plain text' is not a format name (common, combined, vhost_combined, nginx) and has no "
            "%directives or $variables");
  EXPECT_EQ(error_of(""), "--format: empty format");
}

TEST(LogFormat, UrlPathThenQueryStringIsAllowed) {
  auto f = compile_log_format("%m %U%q %H");
  EXPECT_EQ(keys(f), "method request query proto");
  EXPECT_TRUE(f.steps[2].field.query);
  EXPECT_EQ(f.steps[2].before, "");
}

TEST(LogFormat, NginxVariables) {
  auto f = compile_log_format(
      R"($remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" )"
      R"("$http_user_agent" $request_time $upstream_response_time "$http_x_forwarded_for" $ssl_protocol)");
  EXPECT_EQ(keys(f),
            "host user datetime method request proto status bytes referer agent request_time "
            "upstream_response_time x_forwarded_for ssl_protocol");
  EXPECT_EQ(f.steps[2].before, " [");
  EXPECT_EQ(f.steps[2].field.time, TimeSyntax::clf);
  EXPECT_EQ(f.steps[5].field.type, FieldType::bytes);
  EXPECT_EQ(f.steps[8].field.type, FieldType::number);
  EXPECT_EQ(f.anchor, 2u);
  auto iso = compile_log_format("${remote_addr} $time_iso8601 $msec $uri$is_args$args");
  EXPECT_EQ(keys(iso), "host datetime datetime_2 request query");
  EXPECT_EQ(iso.steps[1].field.time, TimeSyntax::iso8601);
  EXPECT_EQ(iso.steps[2].field.time, TimeSyntax::epoch_frac);
}

TEST(LogFormat, NginxPastedFromItsConfig) {
  const char* conf =
      "log_format main escape=default '$remote_addr - $remote_user [$time_local] '\n"
      "                '\"$request\" $status $body_bytes_sent';";
  auto f = compile_log_format(conf);
  EXPECT_EQ(keys(f), "host user datetime method request proto status bytes");
  EXPECT_EQ(f.steps[3].before, "] \"");
  auto quoted = compile_log_format("'$remote_addr [$time_local] \"$request\"'");
  EXPECT_EQ(keys(quoted), "host datetime method request proto");
  EXPECT_EQ(error_of("log_format x '$remote_addr"), "--format: unclosed ' in the nginx log_format");
}

TEST(LogFormat, AnchorIsTheTimeElseTheFirstQuotedFieldElseTheLast) {
  EXPECT_EQ(compile_log_format("%h %u %t %>s").anchor, 2u);
  EXPECT_EQ(compile_log_format("%h %u \"%r\" %>s").anchor, 2u);
  EXPECT_EQ(compile_log_format("%h %u %>s").anchor, 2u);
}
