# apachelog: access-log lines into records, for every format; hostile input gives valid JSON.
source "$(dirname "$0")/lib.sh"

glogsim --lines 5000 --seed 4 > combined.log
glogsim --lines 5000 --seed 5 --format common > common.log

apachelog combined.log > c.json 2>err
expect_eq "a record per combined line" "5000" "$(json_ok < c.json)"
expect_empty "nothing on stderr when every line parses" "$(cat err)"
# Field by field against awk's reading of the same lines.
expect_eq "hosts, statuses and bytes read back" \
  "$(awk '{b = $10 == "-" ? 0 : $10; print $1, $9, b}' combined.log | md5sum)" \
  "$(python3 -c 'import json, sys
for l in sys.stdin: r = json.loads(l); print(r["host"], r["status"], r["bytes"])' < c.json | md5sum)"
expect_eq "agents read back" "$(awk -F'"' '{print $6}' combined.log | md5sum)" \
  "$(python3 -c 'import json, sys
for l in sys.stdin: print(json.loads(l)["agent"])' < c.json | md5sum)"
expect_eq "status and bytes are JSON integers" '"status":404,"bytes":209' \
  "$(grep -m1 -o '"status":404,"bytes":[0-9]*' c.json)"

# Common and Combined mixed in one file, recognised line by line.
paste -d '\n' common.log combined.log > mixed.log
apachelog mixed.log > m.json
expect_eq "a record per mixed line" "10000" "$(json_ok < m.json)"
expect_eq "half of them have an agent" "5000" "$(grep -c '"agent":' m.json)"
expect_eq "a common line gives the nine fields of the tutorial" \
  'host ident user datetime method request proto status bytes' \
  "$(head -1 m.json | python3 -c 'import json, sys; print(*json.load(sys.stdin))')"

# The tutorial's query404.py, as awk would answer it.
expect_eq "distinct 404 requests" "$(awk '$9 == 404 {print $7}' common.log | sort -u)" \
  "$(apachelog common.log | python3 -c 'import json, sys
print("\n".join(sorted({r["request"] for r in map(json.loads, sys.stdin) if r["status"] == 404})))')"

# --time, --fields, --tsv
line='140.180.132.213 - - [24/Feb/2008:00:08:59 -0600] "GET /ply/ply.html HTTP/1.1" 200 97238'
expect_eq "--time iso" '{"request":"/ply/ply.html","time":"2008-02-24T06:08:59Z"}' \
  "$(echo "$line" | apachelog --time iso --fields request,time)"
expect_eq "--time epoch agrees with date(1)" "{\"time\":$(date -u -d '2008-02-24 06:08:59' +%s)}" \
  "$(echo "$line" | apachelog --time epoch --fields time)"
expect_eq "--tsv writes a header and the values" "$(printf 'status\tbytes\thost\n200\t97238\t140.180.132.213')" \
  "$(echo "$line" | apachelog --tsv --fields status,bytes,host)"
expect_status 2 apachelog --fields host,agentx common.log
expect_match "an unknown --fields name is named" "^apachelog: --fields: this format has no field 'agentx'" "$(cat err)"

# --format: names, Apache LogFormat strings, nginx log_format strings.
expect_eq "--format common" "5000" "$(apachelog --format common common.log | json_ok)"
expect_eq "--format combined (Apache's own text)" "$(apachelog combined.log | md5sum)" \
  "$(apachelog --format '%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\"' combined.log | md5sum)"
sed 's/^/www.example.com:80 /' combined.log > vhost.log
expect_eq "--format vhost_combined" '{"vhost":"www.example.com","port":80}' \
  "$(apachelog --format vhost_combined --fields vhost,port vhost.log | head -1)"
expect_eq "--format nginx reads nginx's combined" "$(awk '{print $1}' combined.log | md5sum)" \
  "$(apachelog --format nginx --tsv --fields host combined.log | tail -n +2 | md5sum)"
printf '%s\n' '10.1.2.3 - - [24/Feb/2008:00:08:59 -0600] "GET /api?x=1 HTTP/2.0" 502 157 0.012 "-" "curl/8.1"' > nginx.log
expect_eq "an nginx log_format pasted from nginx.conf" \
  '{"host":"10.1.2.3","status":502,"request_time":0.012,"agent":"curl/8.1"}' \
  "$(apachelog --fields host,status,request_time,agent --format "log_format timed '\$remote_addr - \$remote_user [\$time_local] \"\$request\" '
                     '\$status \$body_bytes_sent \$request_time \"\$http_referer\" \"\$http_user_agent\"';" nginx.log)"
expect_status 2 apachelog --format '%h %l %Q' common.log
expect_eq "an unknown directive is named" "apachelog: --format: unknown directive %Q" "$(cat err)"
expect_empty "a bad format writes no records" "$(cat out)"
expect_status 0 apachelog --list-fields --format '%h %D %{X-Request-Id}i'
expect_eq "--list-fields" "$(printf 'host\tstring\t%%h\nduration_us\tinteger\t%%D\nx_request_id\tstring\t%%{X-Request-Id}i')" "$(cat out)"

# Lines that do not parse: skipped, counted once at the end, kept with --rejects.
glogsim --lines 10000 --seed 2 --malformed 0.05 > damaged.log
apachelog --rejects rejects.log damaged.log > d.json 2>err
expect_eq "exit 0 with rejected lines" "0" "$?"
records=$(json_ok < d.json)
rejected=$(wc -l < rejects.log)
expect_eq "every line is a record or a reject" "10000" "$((records + rejected))"
CHECKS=$((CHECKS + 1)); ((rejected > 100 && rejected < 700)) || fail "most damaged lines have no usable shape ($rejected of about 500)"
first=$(grep -anFx -f <(head -1 rejects.log) damaged.log | head -1 | cut -d: -f1)
expect_eq "one line on stderr with the count and the first" \
  "apachelog: $rejected of 10000 lines did not parse (first: line $first)" "$(cat err)"
expect_eq "--rejects keeps them unchanged" "$(grep -avxFf rejects.log damaged.log | wc -l)" "$records"
expect_status 1 apachelog --strict damaged.log
expect_match "--strict: the same message" "^apachelog: $rejected of 10000 lines did not parse" "$(cat err)"
apachelog --strict common.log >/dev/null
expect_eq "--strict with every line good exits 0" "0" "$?"

# Hostile bytes: invalid UTF-8, control characters, binary junk: always valid JSON.
printf '1.2.3.4\x01 - - [24/Feb/2008:00:08:59 -0600] "GET /\xff\xfe\xc0\xaf\x1b[31m HTTP/1.1" 200 1 "\x7f\x00" "\xed\xa0\x80\\x00"\n' > hostile.log
expect_eq "invalid UTF-8 and controls give a valid record" "1" "$(apachelog hostile.log | json_ok)"
expect_eq "invalid UTF-8 becomes U+FFFD, controls stay" "['/\ufffd\ufffd\ufffd\x1b[31m', '\x7f\x00', '\ufffd\x00']" \
  "$(apachelog hostile.log | python3 -c 'import json, sys; r = json.load(sys.stdin); print(ascii([r["request"], r["referer"], r["agent"]]))')"
head -c 2000000 /dev/urandom > junk.bin
cat junk.bin common.log > junk.log
apachelog junk.log > j.json 2>err
expect_eq "binary junk: still JSON, and the log after it parses" "5000" "$(grep -c '"proto"' j.json)"
CHECKS=$((CHECKS + 1)); json_ok < j.json >/dev/null || fail "binary junk gave invalid JSON"
expect_match "binary junk is counted as rejected" "^apachelog: [0-9]+ of [0-9]+ lines did not parse \(first: line 1\)$" "$(cat err)"

# A 64 MB line (one agent) works, as does a last line without its newline.
{ printf '%s "-" "' "$line"; head -c 67108864 /dev/zero | tr '\0' 'a'; printf '"\n'; printf '%s' "$line"; } > huge.log
apachelog --fields agent,bytes huge.log > h.json
expect_eq "a 64 MB field comes through whole" "67108864 97238" \
  "$(head -1 h.json | python3 -c 'import json, sys; r = json.load(sys.stdin); print(len(r["agent"]), r["bytes"])')"
expect_eq "a last line without newline is a record" '{"bytes":97238}' "$(tail -1 h.json)"

# CRLF line ends are not part of the last field.
printf '%s "-" "curl"\r\n' "$line" > crlf.log
expect_eq "CRLF" '{"agent":"curl"}' "$(apachelog --fields agent crlf.log)"

# Inputs: files, -, and one that cannot be read (reported; the others still parsed).
expect_eq "- is standard input" "5000" "$(apachelog - < common.log | wc -l)"
apachelog common.log no-such-file common.log > two.json 2>err
expect_eq "an unreadable file: exit 1" "1" "$?"
expect_eq "an unreadable file is named" "apachelog: no-such-file: No such file or directory" "$(cat err)"
expect_eq "the other files are parsed" "10000" "$(wc -l < two.json)"
apachelog common.log damaged.log 2>err >/dev/null
expect_match "with several files, the first reject names its file" "\(first: damaged.log line $first\)$" "$(cat err)"

# A closed pipe ends it quietly; a full disk is an error.
set -o pipefail
glogsim --lines 300000 | apachelog 2>err | head -1 >/dev/null
expect_eq "| head -1 exits 0" "0" "$?"
expect_empty "| head -1 is silent" "$(cat err)"
apachelog combined.log 2>err | head -1 >/dev/null
expect_eq "| head -1 from a file exits 0" "0" "$?"
set +o pipefail
if [[ -w /dev/full ]]; then
  apachelog combined.log > /dev/full 2>err
  expect_eq "/dev/full: exit 2" "2" "$?"
  expect_eq "/dev/full: one message" "apachelog: standard output: No space left on device" "$(cat err)"
  glogsim --lines 300000 | apachelog > /dev/full 2>err
  expect_eq "/dev/full behind a pipe: exit 2" "2" "$?"
  expect_eq "/dev/full behind a pipe: the output is blamed, not the input" \
    "apachelog: standard output: No space left on device" "$(cat err)"
  expect_status 2 apachelog --rejects /dev/full damaged.log
  expect_match "--rejects on a full disk" "^apachelog: /dev/full: No space left on device$" "$(cat err)"
fi
pass
