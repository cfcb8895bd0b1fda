# Hostile input across every tool (issue 8), the cases that apply to all of them side by side:
# binary junk, a 64 MB line, an endless input behind `| head -1`, output to /dev/full.
# Each tool's own script has its particular hostile cases (gopen-cat: damaged archives;
# gsum: odd numbers; gfind: loops and unreadable directories; signals.sh: SIGTERM).
source "$(dirname "$0")/lib.sh"

# crashed STATUS: a status no tool gives on purpose (a signal, or an abort).
crashed() { (($1 > 2)); }

# --- Binary junk into every tool: no crash, no hang, at most one line of diagnostics, and
# for the record writers valid JSON. Junk holds NULs, lone CRs, invalid UTF-8, every byte.
head -c 2000000 /dev/urandom >junk
printf '\n{"a":1,"bytes":5}\n' >>junk
for cmd in "gopen-cat junk" "gopen-cat -H junk" "ggrep -c x junk" "ggrep -v -c x junk" \
  "ggrep -o -c [a-z] junk" "gsum junk" "gsum -c 2 junk" "gsum -f bytes junk" "gsum --running junk" \
  "apachelog junk" "apachelog --format combined junk" "apachelog --format vhost_combined junk" \
  "gquery 'SELECT count(*)' junk" "gquery 'SELECT *' junk" "gtail --once --from-start junk"; do
  # shellcheck disable=SC2086
  eval "timeout 120 $cmd" >out 2>err
  status=$?
  CHECKS=$((CHECKS + 1))
  crashed $status && fail "binary junk: '$cmd' exited $status" && head -3 err >&2
  CHECKS=$((CHECKS + 1))
  (($(wc -l <err) <= 1)) || fail "binary junk: '$cmd' wrote $(wc -l <err) lines on stderr"
done
expect_status 0 gopen-cat junk
expect_files_eq "gopen-cat: junk passes byte for byte" junk out
expect_status 0 gtail --once --from-start junk
expect_files_eq "gtail: junk passes byte for byte" junk out
expect_status 0 ggrep -c '"bytes":5' junk
expect_eq "ggrep: the line after the junk is found" "1" "$(cat out)"
expect_status 2 ggrep --field a 1 junk
expect_eq "ggrep --field: the record after the junk passes" '{"a":1,"bytes":5}' "$(cat out)"
expect_match "ggrep --field: the junk is one line naming the file" "^ggrep: junk: [0-9]+ lines are not JSON records" "$(cat err)"
expect_status 0 gsum -f bytes junk
expect_eq "gsum -f: the record after the junk counts" "5" "$(cat out)"
expect_match "gsum -f: the junk is one summary line" "^gsum: [0-9]+ values skipped; the first: junk: line 1: not a JSON record" "$(cat err)"
expect_status 0 gquery -t 'SELECT bytes' junk
expect_eq "gquery: the record after the junk answers" "5" "$(cat out)"
for fmt in common combined vhost_combined nginx '%h %D %{X}i %>s "%r" %t'; do
  apachelog --format "$fmt" junk >out 2>err
  expect_eq "apachelog --format '$fmt': junk gives exit 0" "0" "$?"
  CHECKS=$((CHECKS + 1))
  json_ok <out >/dev/null 2>&1 || fail "apachelog --format '$fmt': junk gave invalid JSON"
done
# Junk in the arguments: patterns, queries and formats made of junk are refused or run, never crash.
jarg=$(head -c 300 junk | tr -d '\0')
for cmd in 'gfind "$jarg" .' 'gfind --regex "$jarg" .' 'ggrep -c "$jarg" junk' 'ggrep -F -c "$jarg" junk' \
  'gquery "$jarg" junk' 'gquery "SELECT a WHERE a ~ '\''$jarg'\''" junk' 'apachelog --format "$jarg" junk' \
  'gsum -f "$jarg" junk' 'glogsim --lines 10 --format "$jarg"' 'gtail --once "$jarg"'; do
  eval "timeout 120 $cmd" >out 2>err
  status=$?
  CHECKS=$((CHECKS + 1))
  crashed $status && fail "junk argument: '$cmd' exited $status" && head -3 err >&2
done

# --- Invalid UTF-8 and control characters into the record writers: valid JSON out.
# Every byte from 0x00 to 0xff (but the newline) in every field apachelog knows.
python3 - <<'EOF' >allbytes.log
import sys
junk = bytes(b for b in range(256) if b not in (0x0a, 0x22, 0x20)) + b'\xc3\x28\xe2\x82\xf0\x9f\x98'
w = sys.stdout.buffer
for i in range(0, len(junk), 16):
    j = junk[i:i + 16]
    w.write(b'h' + j + b' ' + j + b' ' + j + b' [24/Feb/2008:00:08:59 -0600] "GET /' + j + b' HTTP/1.1" 200 5 "' + j + b'" "' + j + b'"\n')
EOF
apachelog allbytes.log >out 2>err
expect_eq "apachelog: every byte in every field, still a record a line" "$(wc -l <allbytes.log)" "$(json_ok <out)"
apachelog --time iso --format '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"' allbytes.log >out 2>err
expect_eq "apachelog with a LogFormat: every byte, valid JSON" "$(wc -l <allbytes.log)" "$(json_ok <out)"
# gquery: escaped control characters and every code point class, through functions that cut
# strings (substr, upper, lower) and through GROUP BY keys: what comes out is valid JSON.
python3 - <<'EOF' >utf8.jsonl
import json
samples = ['é', '日本語', '😀x', 'a\u0000b', '\u001b[31mred', '\u2028\u2029', '\ufffd', 'ß', 'İ', '\x7f']
for s in samples:
    print(json.dumps({'s': s, 'n': len(s)}))
EOF
gquery 'SELECT s, substr(s, 1, 1) AS a, substr(s, 1, 2) AS b, substr(s, -1) AS c, upper(s) AS u, lower(s) AS l, length(s) AS n' utf8.jsonl >out 2>err
expect_eq "gquery: cutting and casing strings keeps JSON valid" "10" "$(json_ok <out)"
expect_empty "gquery: ... with nothing on stderr" "$(cat err)"
gquery 'SELECT substr(s, 1, 1) AS k, count(*) GROUP BY substr(s, 1, 1) ORDER BY k' utf8.jsonl >out 2>err
expect_eq "gquery: group keys cut from multibyte strings are valid JSON" "$(python3 -c '
import json
print(len({json.loads(l)["s"][:1] for l in open("utf8.jsonl")}))')" "$(json_ok <out)"

# --- A 64 MB line into every tool that reads lines: it passes whole; memory grows with it.
head -c 67108864 /dev/zero | tr '\0' x >x64
{ cat x64; printf ' needle 5\n6\n'; } >line64
expect_status 0 gopen-cat line64
expect_files_eq "gopen-cat: a 64 MB line passes whole" line64 out
gzip -1 -c line64 >line64.gz
expect_status 0 gopen-cat line64.gz
expect_files_eq "gopen-cat: a 64 MB line from gzip passes whole" line64 out
expect_status 0 ggrep needle line64
expect_eq "ggrep: the 64 MB line is found whole" "67108874 1" "$(wc -c <out) $(wc -l <out)"
expect_status 0 gsum line64
expect_eq "gsum: the column after 64 MB is summed" "11" "$(cat out)"
expect_status 0 gtail --once --from-start line64
expect_files_eq "gtail: a 64 MB line passes whole" line64 out
{ printf '{"s":"'; cat x64; printf '","bytes":7}\n{"bytes":1}\n'; } >rec64
expect_status 0 gquery -t 'SELECT length(s), bytes' rec64
expect_eq "gquery: a 64 MB string in a record" $'67108864 7\n 1' "$(cat out)"
expect_status 0 gquery 'bytes = 7' rec64
expect_files_eq "gquery: the 64 MB record passes whole" <(head -1 rec64) out
expect_status 0 ggrep --field bytes '^7$' rec64
expect_files_eq "ggrep --field: the 64 MB record passes whole" <(head -1 rec64) out
expect_status 0 gsum -f bytes rec64
expect_eq "gsum -f: the 64 MB record counts" "8" "$(cat out)"
# apachelog's 64 MB line is in apachelog.sh. gtail following a file that gets a 64 MB line:
: >grow.log
gtail grow.log >out 2>err &
pid=$!
for ((i = 0; i < 600; i++)); do
  [[ $(readlink /proc/$pid/fd/* 2>/dev/null) == *grow.log* ]] && break
  sleep 0.05
done
sleep 0.3
cat line64 >>grow.log
for ((i = 0; i < 600; i++)); do
  (($(stat -c %s out) >= $(stat -c %s line64))) && break
  sleep 0.1
done
kill -TERM $pid
wait $pid
expect_eq "gtail following: a 64 MB line appended arrives whole, then SIGTERM exits 0" "0" "$?"
expect_files_eq "gtail following: the 64 MB line and the one after" line64 out
rm -f x64 line64 line64.gz rec64 grow.log out

# --- An endless input behind `| head -1`: each tool ends, silently, with status 0.
# (An endless input proves the early stop without a timing assertion; `timeout` only
# keeps a failure from hanging the suite.)
set -o pipefail
glogsim --lines 2000 --seed 3 >small.log
endless_head() {  # DESCRIPTION SOURCE-COMMAND TOOL-COMMAND
  local statuses
  eval "timeout 60 $2 | timeout 60 $3 2>err | head -1 >first; statuses=\"\${PIPESTATUS[*]}\""
  expect_eq "$1 | head -1: the tool exits 0" "0" "$(cut -d' ' -f2 <<<"$statuses")"
  expect_empty "$1 | head -1: silent" "$(cat err)"
  expect_match "$1 | head -1: one line came out" "." "$(cat first)"
}
endless_head "ggrep" "yes 'a b 5'" "ggrep b"
endless_head "ggrep -n" "yes 'a b 5'" "ggrep -n b"
endless_head "ggrep --field" "yes '{\"a\":\"b\"}'" "ggrep --field a b"
endless_head "gsum --running" "yes 'a b 5'" "gsum --running"
endless_head "apachelog" "glogsim --lines 1000000000" "apachelog"
endless_head "apachelog --tsv" "glogsim --lines 1000000000" "apachelog --tsv --fields host"
endless_head "gquery" "yes '{\"a\":1}'" "gquery 'SELECT a'"
endless_head "gquery -t" "yes '{\"a\":1}'" "gquery -t 'a = 1'"
endless_head "gquery --csv" "yes '{\"a\":1}'" "gquery --csv 'SELECT a'"
endless_head "gopen-cat -" "yes 'a b 5'" "gopen-cat -"
endless_head "gopen-cat names" "yes small.log" "gopen-cat"
endless_head "gopen-cat -H names" "yes small.log" "gopen-cat -H"
endless_head "gtail -" "yes 'a b 5'" "gtail -"
endless_head "gtail --once -" "yes 'a b 5'" "gtail --once -"
endless_head "glogsim" "true" "glogsim --lines 1000000000"
endless_head "glogsim --size" "true" "glogsim --size 100G --format common"
for args in "" "--json" "-0" "--sort mtime"; do
  timeout 60 gfind $args '*' /usr 2>err | head -c 1 >/dev/null
  expect_eq "gfind $args | head: exits 0" "0" "$?"
  expect_empty "gfind $args | head: silent" "$(cat err)"
done
set +o pipefail

# --- Output to /dev/full: exit 2 and one line naming the problem, for every tool, also when
# the output is small (only the final flush fails) and for every output form.
if [[ -w /dev/full ]]; then
  printf '{"a":1,"bytes":5}\n' >one.jsonl
  full() {  # TOOL ARGS...
    "$@" >/dev/full 2>err </dev/null
    expect_eq "$* > /dev/full: exit 2" "2" "$?"
    expect_eq "$* > /dev/full: one line naming standard output" \
      "$1: standard output: No space left on device" "$(cat err)"
  }
  full gfind '*' .
  full gfind --json '*' .
  full gfind -0 '*' .
  full gopen-cat small.log
  full gopen-cat -H small.log
  full ggrep GET small.log
  full ggrep -c GET small.log
  full ggrep -n --color=always GET small.log
  full ggrep --field a 1 one.jsonl
  full gsum small.log
  full gsum --stats small.log
  full gsum --running small.log
  full apachelog small.log
  full apachelog --tsv small.log
  full gquery 'SELECT a' one.jsonl
  full gquery 'SELECT count(*)' one.jsonl
  full gquery -t 'SELECT count(*)' one.jsonl
  full gquery --tsv 'SELECT a' one.jsonl
  full gquery --table 'SELECT a' one.jsonl
  full gquery --partial 'SELECT sum(a)' one.jsonl
  full gtail --once -n 3 small.log
  full glogsim --lines 3
  full glogsim --lines 3 --format common
  # gtail following: the first line appended to the file fails to be written.
  : >follow.log
  gtail follow.log >/dev/full 2>err &
  pid=$!
  for ((i = 0; i < 600; i++)); do
    [[ $(readlink /proc/$pid/fd/* 2>/dev/null) == *follow.log* ]] && break
    sleep 0.05
  done
  sleep 0.3
  echo line >>follow.log
  for ((i = 0; i < 600; i++)); do
    kill -0 $pid 2>/dev/null || break
    sleep 0.05
  done
  kill -0 $pid 2>/dev/null && kill -KILL $pid
  wait $pid
  expect_eq "gtail following > /dev/full: exit 2 on the first line" "2" "$?"
  expect_eq "gtail following > /dev/full: one line" "gtail: standard output: No space left on device" "$(cat err)"
fi
pass
