# Cookbook, parts 5 to 9: follow, real-time 404s, multiplex, trace and shutdown, on logs that
# grow while the pipelines run.
source "$(dirname "$0")/lib.sh"
tutorial() { python3 "$GPIPE_SOURCE_DIR/tests/pipelines/tutorial.py" "$@"; }
glogsim --lines 400 --format common --seed 7 >lines      # what gets appended
READY='127.0.0.1 - - [01/Dec/2026:00:00:00 +0000] "GET /ready HTTP/1.1" 404 0'

# start_following 'PIPELINE' FILE: starts a recipe that follows FILE, then appends a marker line
# until it comes out, so that everything appended afterwards must come out too.
start_following() {
  : >"$2"
  live_recipe "$1"
  wait_for "echo '$READY' >>'$2'; sleep 0.2; grep -q /ready got" ||
    fail "'$1' never printed the marker line"
}

# gtail_pid: the gtail of the running recipe (bash execs a lone command, forks a pipeline's).
gtail_pid() {
  pgrep -P "$LIVE_PID" -x gtail || echo "$LIVE_PID"
}

# caught_up FILE: gtail's read offset in FILE has reached its end (from /proc: no sleeping and
# hoping on a loaded machine).
caught_up() {
  local pid fd
  pid=$(gtail_pid)
  for fd in /proc/"$pid"/fd/*; do
    [[ $(readlink "$fd") == "$WORK/$1" ]] || continue
    [[ $(awk '/^pos:/ {print $2}' /proc/"$pid"/fdinfo/"${fd##*/}") == "$(stat -c %s "$1")" ]] && return 0
  done
  return 1
}

# stop_pipeline: SIGTERM to gtail (the first stage), then the pipeline must finish on its own.
stop_pipeline() {
  kill -TERM "$(gtail_pid)"
  wait_for "! kill -0 $LIVE_PID 2>/dev/null" || fail "the pipeline did not end after gtail's SIGTERM"
  wait "$LIVE_PID"
  expect_eq "the pipeline exits 0 after gtail's SIGTERM" 0 $?
}

# follow: every appended line comes out, in order.
start_following "gtail live.log" live.log
cat lines >>live.log
wait_for "[[ \$(grep -vc /ready got) -ge 400 ]]" || fail "gtail: appended lines did not all come out"
stop_pipeline
expect_files_eq "gtail prints each appended line" lines <(grep -v /ready got)

# Real-time 404s.
start_following "gtail live.log | apachelog | gquery -t \"SELECT host, datetime, request WHERE status = 404\"" live.log
tutorial 404-lines lines >want
while read -r line; do echo "$line" >>live.log; done <lines      # one write per line, as a server does
wait_for "[[ \$(grep -vc /ready got) -ge $(wc -l <want) ]]" || fail "real-time 404s did not all come out"
stop_pipeline
expect_files_eq "real-time 404s" want <(grep -v /ready got)

# multiplex: two logs as one stream of whole lines; -H names the file.
: >www/foo/access-log; : >www/bar/access-log
live_recipe "gtail -H www/foo/access-log www/bar/access-log"
wait_for "echo ready >>www/foo/access-log; echo ready >>www/bar/access-log; sleep 0.2; [[ \$(grep -c ready got) -ge 2 ]] && grep -q '^www/foo' got && grep -q '^www/bar' got" ||
  fail "gtail -H never printed both markers"
head -200 lines >www/foo/access-log.new; tail -200 lines >www/bar/access-log.new
for i in $(seq 1 200); do
  sed -n "${i}p" www/foo/access-log.new >>www/foo/access-log
  sed -n "${i}p" www/bar/access-log.new >>www/bar/access-log
done
wait_for "[[ \$(grep -vc ready got) -ge 400 ]]" || fail "multiplex: lines did not all come out"
stop_pipeline
expect_files_eq "multiplex: foo's lines, in order, prefixed" <(sed 's|^|www/foo/access-log\t|' www/foo/access-log.new) <(grep -v ready got | grep '^www/foo/')
expect_files_eq "multiplex: bar's lines, in order, prefixed" <(sed 's|^|www/bar/access-log\t|' www/bar/access-log.new) <(grep -v ready got | grep '^www/bar/')

# trace: the records pass on unchanged, and a copy goes to stderr.
start_following "gtail live.log | apachelog | tee /dev/stderr | gquery -t \"SELECT request WHERE status = 404\"" live.log
cat lines >>live.log
wait_for "[[ \$(grep -vc /ready got.err) -ge 400 ]]" || fail "trace: not every record reached stderr"
stop_pipeline
expect_eq "trace: a record per appended line on stderr" 400 "$(grep -vc /ready got.err)"
expect_eq "trace: the query still answers" "$(tutorial 404-lines lines | cut -d' ' -f4)" "$(grep -v /ready got)"

# Shutdown: SIGTERM to the follower; the stages behind it finish their answer.
: >live.log
live_recipe "gtail live.log | apachelog | gquery -t \"SELECT count(*)\""
wait_for "caught_up live.log" || fail "gtail never opened live.log"
cat lines >>live.log
wait_for "caught_up live.log" || fail "gtail did not read to the end of live.log"
stop_pipeline
expect_eq "after SIGTERM the count covers every line read" 400 "$(cat got)"
pass
