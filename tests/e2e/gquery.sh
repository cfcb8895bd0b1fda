# gquery end to end: the tutorial's queries on glogsim records, each checked against an
# independent computation in Python; errors, output forms, hostile input, pipes, streaming.
source "$(dirname "$0")/lib.sh"
set -o pipefail

# Records as apachelog makes them, converted here so the test stands alone.
cat >tojson.py <<'EOF'
import json, re, sys
pat = re.compile(r'(\S+) (\S+) (\S+) \[(.*?)\] "(\S+) (\S+) (\S+)" (\d+) (\S+)(?: "(.*?)" "(.*?)")?$')
for line in sys.stdin:
    m = pat.match(line.rstrip('\n'))
    if not m:
        continue
    h, i, u, dt, meth, req, proto, st, by, ref, ag = m.groups()
    r = dict(host=h, ident=i, user=u, datetime=dt, method=meth, request=req, proto=proto,
             status=int(st), bytes=0 if by == '-' else int(by))
    if ref is not None:
        r['referer'] = ref
        r['agent'] = ag
    print(json.dumps(r, separators=(',', ':')))
EOF
glogsim --lines 20000 --seed 7 | python3 tojson.py >log.jsonl
expect_eq "the test records were made" "20000" "$(wc -l <log.jsonl)"

# The independent answers.
cat >answers.py <<'EOF'
import json, sys
log = [json.loads(l) for l in open('log.jsonl')]
q = sys.argv[1]
if q == 'query404':
    for r in sorted({r['request'] for r in log if r['status'] == 404}): print(r)
elif q == 'largefiles':
    for r in log:
        if r['bytes'] > 1000000: print(r['request'], r['bytes'])
elif q == 'largest':
    print(*max((r['bytes'], r['request']) for r in log))
elif q == 'hosts':
    seen = set()
    for r in log:
        if r['host'] not in seen:
            seen.add(r['host']); print(r['host'])
elif q == 'downloads':
    print(sum(1 for r in log if r['request'] == sys.argv[2]))
elif q == 'robots':
    seen = set()
    for r in log:
        if 'robots.txt' in r['request'] and r['host'] not in seen:
            seen.add(r['host']); print(r['host'])
elif q == 'bystatus':
    groups = {}
    for r in log:
        groups.setdefault(r['status'], []).append(r['bytes'])
    for s in sorted(groups, key=lambda s: (-len(groups[s]), s)):
        b = groups[s]
        print(s, len(b), sum(b), min(b), max(b))
EOF
popular=$(python3 -c "
import json, collections
c = collections.Counter(json.loads(l)['request'] for l in open('log.jsonl'))
print(c.most_common(1)[0][0])")

expect_eq "query404.py" "$(python3 answers.py query404)" \
  "$(gquery -t "SELECT DISTINCT request WHERE status = 404 ORDER BY request" log.jsonl)"
expect_eq "largefiles.py" "$(python3 answers.py largefiles)" \
  "$(gquery -t "SELECT request, bytes WHERE bytes > 1000000" log.jsonl)"
expect_eq "largest.py" "$(python3 answers.py largest)" \
  "$(gquery -t "SELECT bytes, request ORDER BY bytes DESC, request DESC LIMIT 1" log.jsonl)"
expect_eq "hosts.py" "$(python3 answers.py hosts)" "$(gquery -t "SELECT DISTINCT host" <log.jsonl)"
expect_eq "downloads.py" "$(python3 answers.py downloads "$popular")" \
  "$(gquery -t "SELECT count(*) WHERE request = '$popular'" log.jsonl)"
expect_eq "robots.py" "$(python3 answers.py robots)" \
  "$(gquery -t "SELECT DISTINCT host WHERE request LIKE '%robots.txt%'" log.jsonl)"
expect_eq "count, sum, min, max by status" "$(python3 answers.py bystatus)" \
  "$(gquery -t "SELECT status, count(*) AS n, sum(bytes), min(bytes), max(bytes) GROUP BY status ORDER BY n DESC, status" log.jsonl)"
python3 answers.py largefiles >largefiles.txt
expect_match "the tutorial's queries found something to check" '[0-9]' "$(head -1 largefiles.txt)"

# JSON Lines by default, keys as written or by AS.
expect_eq "JSON keys are the expressions as written" '{"status":404,"count(*)":1,"n":1}' \
  "$(gquery 'SELECT status, count(*), count(*) AS n WHERE status = 404 GROUP BY status LIMIT 1' <<<'{"status":404}')"
expect_eq "a bare condition selects whole records" "$(grep '"status":404' log.jsonl | head -3)" \
  "$(gquery 'status = 404' log.jsonl | head -3)"

# Output forms.
printf '%s\n' '{"a":"x,y","b":1}' '{"a":"say \"hi\"","b":null}' >forms.jsonl
expect_eq "--csv quotes as RFC 4180" $'a,b\n"x,y",1\n"say ""hi""",' "$(gquery --csv 'SELECT a, b' forms.jsonl)"
expect_eq "--tsv with a header" $'a\tb\nx,y\t1\nsay "hi"\t' "$(gquery --tsv 'SELECT a, b' forms.jsonl)"
expect_eq "--no-header" $'x,y\t1\nsay "hi"\t' "$(gquery --tsv --no-header 'SELECT a, b' forms.jsonl)"
expect_eq "-t: strings bare, NULL empty" $'x,y 1\nsay "hi" ' "$(gquery -t 'SELECT a, b' forms.jsonl)"
expect_eq "--table aligns" $'a         b\n--------  -\nx,y       1\nsay "hi"   ' "$(gquery --table 'SELECT a, b' forms.jsonl)"
expect_status 2 gquery --csv 'status = 404' log.jsonl
expect_match "SELECT * cannot be CSV" "^gquery: SELECT \* has no fixed columns" "$(cat err)"
expect_status 2 gquery --csv --tsv 'SELECT a' forms.jsonl

# Syntax errors: status 2, the column, the query and a caret under it.
expect_status 2 gquery 'SELECT request WHERE' log.jsonl
expect_eq "a syntax error shows where" "gquery: syntax error at column 21: expected an expression after WHERE
  SELECT request WHERE
                      ^" "$(cat err)"
expect_empty "a syntax error prints nothing on stdout" "$(cat out)"
expect_status 2 gquery 'SELECT cont(*)' log.jsonl
expect_match "an unknown function lists the known ones" \
  "^gquery: syntax error at column 8: unknown function 'cont'; known: aggregates count, sum, min, max, avg, median, percentile; functions lower, upper, length, substr, coalesce, int, float, str$" \
  "$(head -1 err)"
expect_status 2 gquery 'SELECT host, count(*)' log.jsonl
expect_match "a field outside GROUP BY is named" "^gquery: error at column 8: 'host' is neither in GROUP BY" "$(head -1 err)"
expect_status 2 gquery 'a[0] = 1' log.jsonl
expect_match "field syntax is explained" "write a.b.c for nested fields, and \`odd key\` in backquotes" "$(head -1 err)"

# Malformed lines are skipped and counted, once, at the end; --strict makes it status 1.
{ echo '{"a":1}'; echo 'not json'; echo '{"a":2'; echo '{"a":3}'; } >bad.jsonl
expect_status 0 gquery -t 'SELECT a' bad.jsonl
expect_eq "good records around bad lines" $'1\n3' "$(cat out)"
expect_eq "one summary line" "gquery: bad.jsonl: skipped 2 lines that are not a JSON object (first: line 2: not a JSON object)" "$(cat err)"
expect_status 1 gquery --strict -t 'SELECT a' bad.jsonl
expect_eq "--strict still answers" $'1\n3' "$(cat out)"
# A broken literal in a wanted field is one more malformed line (it used to end gquery).
{ echo '{"a":1}'; echo '{"a":nul}'; echo '{"a":tru}'; echo '{"a":3}'; } >literal.jsonl
expect_status 0 gquery -t 'SELECT a' literal.jsonl
expect_eq "broken literals: the records around them" $'1\n3' "$(cat out)"
expect_match "broken literals: counted" "skipped 2 lines" "$(cat err)"

# Hostile input: whatever comes in, what goes out is valid JSON Lines.
printf '{"s":"a\\u0001b\\u0000c\\u001f","t":"\\u00e9"}\n{"s":"\xff\xfe"}\n{"s":"tab\there"}\n{"s":"\\ud800"}\n' >hostile.jsonl
gquery 'SELECT s, t, upper(s) AS u' hostile.jsonl >hostile.out 2>hostile.err
expect_eq "hostile input: status 0" "0" "$?"
expect_eq "escaped control characters stay escaped" '{"s":"a\u0001b\u0000c\u001f","t":"é","u":"A\u0001B\u0000C\u001f"}' "$(cat hostile.out)"
expect_match "raw invalid UTF-8, raw control characters and lone surrogates are not JSON: skipped" "skipped 3 lines" "$(cat hostile.err)"
head -c 300000 /dev/urandom >junk.bin
{ cat junk.bin; echo; echo '{"a":42}'; cat junk.bin; } >junk.jsonl
gquery -t 'SELECT a WHERE a IS NOT NULL' junk.jsonl >junk.out 2>junk.err
expect_eq "binary junk: the record inside is found" "42" "$(cat junk.out)"
expect_match "binary junk is reported once" "^gquery: junk.jsonl: skipped [0-9]+ lines? that" "$(cat junk.err)"
expect_eq "binary junk: one line of diagnostics" "1" "$(wc -l <junk.err)"
gquery 'SELECT *' hostile.jsonl log.jsonl 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin: json.loads(line)' 2>py.err
expect_eq "every line printed is valid JSON" "0" "$?"

# Catastrophic regular expressions (issue 8): RE2 runs them in linear time, so a 100 kB string
# against the patterns that make backtracking engines hang is answered (the timeout only keeps
# a failure from hanging the suite); patterns RE2 cannot take are refused before any input.
python3 -c 'import json; print(json.dumps({"s": "a" * 100000 + "!"}))' >evil.jsonl
expect_eq "~ '(a+)+\$' on 100 kB of a's: no match, and an answer" "0" \
  "$(timeout 60 gquery -t "SELECT count(*) WHERE s ~ '(a+)+\$'" evil.jsonl)"
expect_eq "!~ '(a|aa)*b'" "100001" "$(timeout 60 gquery -t "SELECT length(s) WHERE s !~ '(a|aa)*b'" evil.jsonl)"
expect_eq "~ '^(a|a?)+\$' as the WHERE of a GROUP BY" "" \
  "$(timeout 60 gquery -t "SELECT length(s), count(*) WHERE s ~ '^(a|a?)+\$' GROUP BY length(s)" evil.jsonl)"
expect_status 2 gquery "SELECT count(*) WHERE s ~ '((a{30}){30}){30}'" evil.jsonl
expect_match "a repetition too large for RE2 is a syntax error with its reason" \
  "^gquery: syntax error at column 27: bad regular expression: invalid repetition size" "$(head -1 err)"
expect_status 2 gquery "SELECT count(*) WHERE s ~ '(a)\\1'" evil.jsonl
expect_match "a backreference is refused" "bad regular expression: invalid escape sequence" "$(head -1 err)"

# Pipes: | head -1 ends quickly and silently with status 0; a full disk is status 2.
for i in 1 2 3 4 5; do cat log.jsonl; done >big.jsonl
gquery 'SELECT host, request' big.jsonl 2>head.err | head -1 >/dev/null
expect_eq "| head -1 exits 0" "0" "$?"
expect_empty "| head -1 is silent" "$(cat head.err)"
if [[ -w /dev/full ]]; then
  gquery 'SELECT host' big.jsonl >/dev/full 2>full.err
  expect_eq "/dev/full: status 2" "2" "$?"
  expect_eq "/dev/full: named" "gquery: standard output: No space left on device" "$(cat full.err)"
fi

# Files: several, '-' for standard input, an unreadable one reported while the rest is read.
echo '{"a":"stdin"}' >one.jsonl
expect_eq "files and - in order" $'stdin\n1\n3' "$(gquery -t 'SELECT a' - bad.jsonl <one.jsonl 2>/dev/null)"
expect_status 1 gquery -t 'SELECT count(*)' no-such-file one.jsonl
expect_eq "the readable file is still counted" "1" "$(cat out)"
expect_eq "a missing file is named" "gquery: no-such-file: No such file or directory" "$(cat err)"

# LIMIT without ORDER BY stops reading: an endless input ends.
expect_eq "LIMIT stops an endless input" $'1\n1\n1' "$(yes '{"a":1}' | timeout 60 gquery -t 'SELECT a LIMIT 3')"
expect_eq "DISTINCT with LIMIT stops too" $'0\n1' \
  "$(python3 -c '
import itertools
for i in itertools.count(): print("{\"a\":%d}" % (i % 7))' 2>/dev/null | timeout 60 gquery -t 'SELECT DISTINCT a LIMIT 2')"

# Streaming: a record is answered while the input is still open (behind gtail, forever).
wait_for() {  # wait_for FILE TEXT: up to 30 s for FILE to contain TEXT
  local i
  for ((i = 0; i < 300; i++)); do
    grep -qF -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
mkfifo live
gquery -t 'SELECT a WHERE a > 1' <live >stream.out &
pid=$!
exec 3>live
echo '{"a":1}' >&3
echo '{"a":5}' >&3
wait_for stream.out 5
expect_eq "a record is answered before the input ends" "0" "$?"
exec 3>&-
wait $pid
expect_eq "and the stream ends cleanly" "0" "$?"

# --every and --interval print the answer so far; SIGTERM prints the final answer.
expect_eq "--every N: the running total" $'1\n3\n6\n10\n10' \
  "$(printf '{"b":%d}\n' 1 2 3 4 | gquery -t --every 1 'SELECT sum(b)')"
gquery -t --interval 0.2 'SELECT count(*)' <live >interval.out &
pid=$!
exec 3>live
echo '{"b":1}' >&3
wait_for interval.out 1
expect_eq "--interval prints while the input is quiet" "0" "$?"
echo '{"b":1}' >&3
wait_for interval.out 2
expect_eq "--interval prints again after more records" "0" "$?"
kill -TERM $pid
wait $pid
expect_eq "SIGTERM ends gquery with status 0" "0" "$?"
exec 3>&-
expect_eq "SIGTERM: the final answer is printed last" "2" "$(tail -1 interval.out)"
expect_status 2 gquery --every 5 'SELECT a' one.jsonl
expect_match "--every needs an aggregate" "need a query with aggregates" "$(cat err)"

# --partial / --merge: the states of several runs give the single run's answer.
split -n l/4 log.jsonl part.
for q in "SELECT status, count(*), count(DISTINCT host), sum(bytes), avg(bytes), min(request), max(bytes), median(bytes), percentile(bytes, 0.99) GROUP BY status ORDER BY status" \
  "SELECT DISTINCT request WHERE status = 404 ORDER BY request" \
  "SELECT bytes, request ORDER BY bytes DESC, request DESC LIMIT 3" \
  "SELECT DISTINCT host" "status = 404"; do
  expect_eq "--partial | --merge: $q" "$(gquery -t "$q" log.jsonl)" \
    "$(for f in part.*; do gquery --partial "$q" "$f"; done | gquery --merge -t "$q")"
done

# Fan-out over GNU parallel (issue 9): logs of a glogsim tree, each read by its own job,
# every aggregate merged into exactly the single-process answer, in whatever order the jobs end.
if command -v parallel >/dev/null && command -v gfind >/dev/null && command -v gopen-cat >/dev/null; then
  glogsim --tree www --lines 3000 >/dev/null
  conv="python3 $WORK/tojson.py"
  for q in "SELECT status, count(*), count(host), count(DISTINCT host), sum(bytes), avg(bytes), min(request), max(bytes), median(bytes), percentile(bytes, 0.9) GROUP BY status ORDER BY status" \
    "SELECT count(*), sum(bytes), avg(bytes), median(bytes)" \
    "SELECT host, count(*) AS n GROUP BY host HAVING n > 3 ORDER BY n DESC, host LIMIT 5" \
    "SELECT DISTINCT request WHERE status = 404 ORDER BY request" \
    "SELECT bytes, request ORDER BY bytes DESC, request DESC LIMIT 3"; do
    single=$(gfind 'access-log*' www | gopen-cat | $conv | gquery -t "$q")
    expect_match "the tree gives an answer to check: $q" '[0-9a-z]' "$single"
    expect_eq "parallel -j 3 --partial | --merge: $q" "$single" \
      "$(gfind 'access-log*' www | parallel --will-cite -j 3 "gopen-cat {} | $conv | gquery --partial '$q'" | gquery --merge -t "$q")"
    expect_eq "parallel --sshlogin : --partial | --merge: $q" "$single" \
      "$(gfind 'access-log*' www | parallel --will-cite --sshlogin : -j 2 "gopen-cat {} | $conv | gquery --partial '$q'" | gquery --merge -t "$q")"
  done
  # A combiner in between (Hadoop's): merged states merge again to the same answer.
  q="SELECT status, count(*), sum(bytes), count(DISTINCT host), median(bytes) GROUP BY status ORDER BY status"
  expect_eq "--merge --partial as a combiner" "$(gfind 'access-log*' www | gopen-cat | $conv | gquery -t "$q")" \
    "$(gfind 'access-log*' www | parallel --will-cite -j 2 "gopen-cat {} | $conv | gquery --partial '$q'" |
       gquery --merge --partial "$q" | gquery --merge -t "$q")"
  # Over real ssh to this machine, when it lets us in without a password.
  if command -v ssh >/dev/null && timeout 10 ssh -o BatchMode=yes -o StrictHostKeyChecking=no localhost true 2>/dev/null; then
    expect_eq "parallel --sshlogin localhost: $q" "$(gfind 'access-log*' www | gopen-cat | $conv | gquery -t "$q")" \
      "$(gfind 'access-log*' www | parallel --will-cite --sshlogin localhost --workdir "$WORK" \
          "PATH=$PATH; gopen-cat {} | $conv | gquery --partial '$q'" | gquery --merge -t "$q")"
  else
    echo "gquery.sh: no password-less ssh to localhost: the --sshlogin localhost check is skipped" >&2
  fi
else
  echo "gquery.sh: GNU parallel (or gfind, gopen-cat) not installed: the fan-out checks are skipped" >&2
fi
pass
