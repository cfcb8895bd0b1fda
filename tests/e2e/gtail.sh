# gtail: follows logs by name through real rotations while they are written, and every line
# arrives exactly once. No fixed sleeps decide a result: each wait polls with a generous
# timeout, so a loaded machine is slower, never wrong.
source "$(dirname "$0")/lib.sh"

# wait_for SECONDS COMMAND...: polls until COMMAND succeeds; false after SECONDS.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}
has_lines() { [[ -f $1 ]] && (($(wc -l <"$1") >= $2)); }
has_text() { [[ -f $1 ]] && grep -qF -- "$2" "$1"; }
gone() { ! kill -0 "$1" 2>/dev/null; }
# waiting PID: gtail sits in its wait for changes (where the kernel does not say, give it time).
waiting() {
  local w
  w=$(cat "/proc/$1/wchan" 2>/dev/null)
  [[ $w == *poll* ]] && return 0
  [[ -z $w || $w == 0 ]] && sleep 0.5 && return 0
  return 1
}
# caught_up PID FILE: gtail has read FILE to its end (its descriptor's offset) and waits.
caught_up() {
  local f size fd
  f=$(realpath "$2")
  size=$(stat -c %s "$f")
  for fd in /proc/$1/fd/*; do
    [[ $(readlink "$fd") == "$f" ]] || continue
    [[ $(awk '/^pos:/ {print $2}' "/proc/$1/fdinfo/${fd##*/}") == "$size" ]] && waiting "$1" && return 0
  done
  return 1
}
# stop PID: SIGTERM, then waits for it; its exit status is in $STATUS.
stop() {
  kill -TERM "$1" 2>/dev/null
  wait "$1"
  STATUS=$?
}

# --- Reading what is there (--once) ----------------------------------------------------
printf 'one\ntwo\nthree\n' >f
expect_status 0 gtail --once f
expect_empty "by default gtail starts at the end" "$(cat out)"
expect_status 0 gtail --once -n 2 f
expect_eq "-n 2: the last two lines" $'two\nthree' "$(cat out)"
expect_status 0 gtail --once -n 10 f
expect_eq "-n beyond the start: the whole file" $'one\ntwo\nthree' "$(cat out)"
expect_status 0 gtail --once --from-start f
expect_eq "--from-start: the whole file" $'one\ntwo\nthree' "$(cat out)"
expect_status 0 gtail --once -n +2 f
expect_eq "-n +2: from the second line" $'two\nthree' "$(cat out)"
printf 'x\ny\npart' >p
expect_status 0 gtail --once -n 2 p
expect_eq "an unfinished last line counts as a line and gets its newline" $'y\npart' "$(cat out)"
expect_eq "... with exactly one newline" "7" "$(wc -c <out)"
expect_status 0 gtail --once -H --from-start f p
expect_eq "-H prefixes FILE<TAB>" $'f\tone\nf\ttwo\nf\tthree\np\tx\np\ty\np\tpart' "$(cat out)"
glogsim --lines 5000 --seed 3 >big
gtail --once -n 1234 big >out
expect_eq "-n 1234 on a large file equals tail -n 1234" "$(tail -n 1234 big | md5sum)" "$(md5sum <out)"
gtail --once --from-start big f >out
expect_eq "several files, each whole, in order, under --once" "$(cat big f | md5sum)" "$(md5sum <out)"

expect_status 1 gtail --once missing f
expect_eq "a missing file is named" "gtail: missing: No such file or directory" "$(cat err)"
mkdir adir
expect_status 1 gtail --once adir
expect_eq "a directory is named" "gtail: adir: Is a directory" "$(cat err)"
expect_status 2 gtail -n abc f
expect_match "a bad -n is a usage error" "^gtail: -n 'abc': expected a number of lines" "$(cat err)"
expect_status 2 gtail --poll 0 f
expect_status 2 gtail
expect_status 2 gtail --from-start -n 3 f

# --- Following: start at the end, lines as they are appended --------------------------
printf 'old1\nold2\n' >live
gtail live >out 2>err &
pid=$!
wait_for 30 caught_up $pid live
printf 'new1\nnew2\n' >>live
wait_for 30 has_lines out 2 || fail "appended lines did not arrive"
printf 'half' >>live
sleep 0.3
expect_eq "only appended lines, partial held back" $'new1\nnew2' "$(cat out)"
printf ' done\n' >>live
wait_for 30 has_lines out 3 || fail "completed line did not arrive"
printf 'tail-end' >>live
wait_for 30 caught_up $pid live
stop $pid
expect_eq "SIGTERM: exit 0" "0" "$STATUS"
expect_eq "a held line is completed, the unfinished one flushed on SIGTERM" \
  $'new1\nnew2\nhalf done\ntail-end' "$(cat out)"
expect_empty "nothing on stderr" "$(cat err)"

# --- Rename rotation with late lines, while glogsim writes; file absent at the start ---
gtail rot.log >out 2>err &
pid=$!
wait_for 30 waiting $pid
glogsim --rate 400/s --lines 800 --rotate-every 200 --late-lines 7 --output rot.log
wait_for 60 has_lines out 800 || fail "rename rotation: $(wc -l <out) of 800 lines arrived"
sleep 0.3
stop $pid
expect_eq "rename rotation: every line exactly once (late lines included)" \
  "$(cat rot.log.* rot.log | sort | md5sum)" "$(sort out | md5sum)"
expect_eq "rename rotation: 800 lines" "800" "$(wc -l <out)"
expect_match "a file that does not exist yet is waited for" "rot.log: No such file or directory; waiting" "$(cat err)"

# --- copytruncate, while glogsim writes ---------------------------------------------
: >ct.log
gtail ct.log >out 2>err &
pid=$!
wait_for 30 waiting $pid
glogsim --rate 400/s --lines 800 --rotate-every 200 --rotation copytruncate --output ct.log
wait_for 60 has_lines out 800 || fail "copytruncate: $(wc -l <out) of 800 lines arrived"
sleep 0.3
stop $pid
expect_eq "copytruncate: every line exactly once" "$(cat ct.log.* ct.log | sort | md5sum)" "$(sort out | md5sum)"
expect_match "copytruncate is reported" "^gtail: ct.log: file truncated; reading it again from the start$" "$(head -1 err)"

# copytruncate noticed late: the file was emptied and written past gtail's offset while gtail
# was stopped; its first bytes tell, and the lines written before the copy come from the copy.
printf 'c1\nc2\n' >late.log
gtail late.log >out 2>err &
pid=$!
wait_for 30 caught_up $pid late.log
kill -STOP $pid
printf 'c3\n' >>late.log
cp late.log late.log.1
: >late.log
printf 'after the truncation, longer than before\n' >>late.log
kill -CONT $pid
wait_for 30 has_lines out 2 || fail "late copytruncate: $(wc -l <out) of 2 lines"
wait_for 30 caught_up $pid late.log
stop $pid
expect_eq "late copytruncate: the copy's missed line, then the new file" \
  $'c3\nafter the truncation, longer than before' "$(cat out)"
expect_eq "late copytruncate is reported" "gtail: late.log: file truncated; reading it again from the start" "$(cat err)"

# --- Deleted and recreated; two files multiplexed with -H ---------------------------
printf 'a0\n' >a.log
printf 'b0\n' >b.log
gtail -H a.log b.log >out 2>err &
pid=$!
wait_for 30 caught_up $pid b.log
printf 'a1\n' >>a.log
printf 'b1\n' >>b.log
wait_for 30 has_lines out 2
rm a.log
sleep 0.2
printf 'a2\na3\n' >a.log
printf 'b2\n' >>b.log
wait_for 30 has_lines out 5 || fail "delete and recreate: $(wc -l <out) of 5 lines"
stop $pid
expect_eq "a recreated file is read from its start; both files, whole lines, prefixed" \
  $'a.log\ta1\na.log\ta2\na.log\ta3\nb.log\tb1\nb.log\tb2' "$(sort out)"
expect_eq "each line once" "5" "$(wc -l <out)"

# Arrival order: lines written while gtail was busy come out file by file in the order the
# files were written to, not in the order they were named.
: >o1.log
: >o2.log
gtail -H o1.log o2.log >out 2>err &
pid=$!
wait_for 30 waiting $pid
kill -STOP $pid
printf 'second file first\n' >>o2.log
printf 'first file later\n' >>o1.log
kill -CONT $pid
wait_for 30 has_lines out 2
stop $pid
expect_eq "multiplexed in arrival order" $'o2.log\tsecond file first\no1.log\tfirst file later' "$(cat out)"

# A file in a directory that does not exist yet.
gtail later/app.log >out 2>err &
pid=$!
wait_for 30 waiting $pid
mkdir later
printf 'first\nsecond\n' >later/app.log
wait_for 30 has_lines out 2 || fail "a file in a later directory: $(wc -l <out) of 2 lines"
stop $pid
expect_eq "a file whose directory appears later is read from its start" $'first\nsecond' "$(cat out)"

# Unreadable files are reported and the others followed (root reads everything: skipped).
if ((EUID != 0)); then
  printf 'secret\n' >locked
  chmod 000 locked
  expect_status 1 gtail --once --from-start locked f
  expect_eq "an unreadable file is named" "gtail: locked: Permission denied" "$(cat err)"
  expect_eq "... and the others are read" $'one\ntwo\nthree' "$(cat out)"
fi

# Two writers at once, multiplexed: per file, every line, in order.
gtail -H m1.log m2.log >out 2>/dev/null &
pid=$!
wait_for 30 waiting $pid
glogsim --rate 300/s --lines 450 --seed 1 --rotate-every 150 --late-lines 3 --output m1.log &
w1=$!
glogsim --rate 300/s --lines 450 --seed 2 --rotate-every 150 --output m2.log &
w2=$!
wait $w1 $w2
wait_for 60 has_lines out 900 || fail "multiplex: $(wc -l <out) of 900 lines arrived"
stop $pid
expect_eq "multiplex: m1's lines exactly once" "$(cat m1.log.* m1.log | sort | md5sum)" \
  "$(grep -P '^m1\.log\t' out | cut -f2- | sort | md5sum)"
expect_eq "multiplex: m2's lines exactly once, in order" "$(cat m2.log.2 m2.log.1 m2.log | md5sum)" \
  "$(grep -P '^m2\.log\t' out | cut -f2- | md5sum)"
expect_eq "multiplex: nothing else" "900" "$(grep -cP '^m[12]\.log\t' out)"

# --- Cron mode: --once --state across runs ------------------------------------------
glogsim --lines 100 --seed 11 >c.log
gtail --once --state st c.log >run1
expect_eq "first run with a new state: the whole file" "$(md5sum <c.log)" "$(md5sum <run1)"
gtail --once --state st c.log >run2
expect_empty "second run, nothing new: nothing" "$(cat run2)"
glogsim --lines 50 --seed 12 >>c.log
gtail --once --state st c.log >run3
expect_eq "third run: only the new lines" "$(tail -n 50 c.log | md5sum)" "$(md5sum <run3)"
# Rotated between runs (rename, late lines to the old file, new file).
glogsim --lines 20 --seed 13 >>c.log
mv c.log c.log.1
glogsim --lines 5 --seed 14 >>c.log.1
glogsim --lines 30 --seed 15 >c.log
gtail --once --state st c.log >run4
expect_eq "rotation between runs: the rest of the old file, then the new one" \
  "$(tail -n 25 c.log.1 | cat - c.log | md5sum)" "$(md5sum <run4)"
# Two rotations between runs, dateext style.
glogsim --lines 10 --seed 16 >>c.log
mv c.log c.log-20260101
glogsim --lines 10 --seed 17 >c.log
touch -d '+1 second' c.log
mv c.log c.log-20260102
glogsim --lines 10 --seed 18 >c.log
touch -d '+2 seconds' c.log
gtail --once --state st c.log >run5
expect_eq "two rotations between runs: nothing lost" \
  "$(tail -n 10 c.log-20260101 | cat - c.log-20260102 c.log | md5sum)" "$(md5sum <run5)"
# copytruncate between runs.
glogsim --lines 10 --seed 19 >>c.log
cp c.log c.log.1
: >c.log
glogsim --lines 4 --seed 20 >>c.log
gtail --once --state st c.log >run6 2>err
expect_eq "copytruncate between runs: the rest of the copy, then the file" \
  "$(tail -n 10 c.log.1 | cat - c.log | md5sum)" "$(md5sum <run6)"
# An unfinished line is left for the next run, which prints it whole.
printf 'unfinished' >>c.log
gtail --once --state st c.log >run7
expect_empty "a partial line waits for the next run" "$(cat run7)"
printf ' now\n' >>c.log
gtail --once --state st c.log >run8
expect_eq "... and comes whole" "unfinished now" "$(cat run8)"
expect_match "the state names the file, device, inode, offset" "^$PWD/c\.log	[0-9]+	[0-9]+	[0-9]+	[0-9]+	[0-9a-f]{16}$" \
  "$(grep -v '^#' st)"

# SIGKILL in the middle of a long run: nothing lost, repeats only since the checkpoint.
glogsim --lines 200000 --seed 21 >k.log
slow_reader() { while IFS= read -r l; do printf '%s\n' "$l"; done; }
gtail --once --state kst k.log | slow_reader >kill1 &
wait_for 60 test -s kst || fail "no checkpoint was written"
kill -KILL "$(pgrep -f 'gtail --once --state kst' | head -1)"
wait 2>/dev/null
gtail --once --state kst k.log >kill2
n1=$(wc -l <kill1)
n2=$(wc -l <kill2)
CHECKS=$((CHECKS + 1))
((n1 + n2 >= 200000)) || fail "after SIGKILL: lines lost ($n1 + $n2 < 200000)"
expect_eq "the killed run printed a prefix" "$(head -n "$n1" k.log | md5sum)" "$(md5sum <kill1)"
expect_eq "the next run printed a suffix" "$(tail -n "$n2" k.log | md5sum)" "$(md5sum <kill2)"
CHECKS=$((CHECKS + 1))
((n2 < 200000)) || fail "the next run started from the checkpoint, not from the start ($n2 lines)"

# SIGTERM during a following run with --state, then a cron run: exactly once.
glogsim --lines 10 --seed 22 >t.log
gtail --state tst t.log >term1 2>/dev/null &
pid=$!
wait_for 30 test -s tst
glogsim --lines 10 --seed 23 >>t.log
wait_for 30 has_lines term1 20
stop $pid
expect_eq "follow with --state: SIGTERM exits 0" "0" "$STATUS"
glogsim --lines 10 --seed 24 >>t.log
gtail --once --state tst t.log >term2
expect_eq "follow then cron: every line once" "$(md5sum <t.log)" "$(cat term1 term2 | md5sum)"

# One run at a time per state file: an overlapping run is refused, before it prints anything.
gtail --state busy f >/dev/null 2>&1 &
pid=$!
wait_for 30 waiting $pid
expect_status 2 gtail --once --state busy f
expect_eq "a state file in use is refused" \
  "gtail: busy: in use by another gtail (its lock is busy.lock)" "$(cat err)"
stop $pid
expect_status 2 gtail --once --from-start --state no/such/dir/st f
expect_empty "an unusable state path fails before printing" "$(cat out)"
expect_match "... naming it" "^gtail: no/such/dir/st.lock: No such file or directory$" "$(cat err)"

printf 'garbage\n' >badstate
expect_status 2 gtail --once --state badstate f
expect_match "a malformed state file is named" "^gtail: badstate: line 1: malformed" "$(cat err)"

# A run stopped while it still reads a renamed file records both files; the next run ends each.
printf 'r1\n' >dr.log
gtail --state drst dr.log >dr1 2>/dev/null &
pid=$!
wait_for 30 caught_up $pid dr.log
mv dr.log dr.log.1
printf 'r2\n' >dr.log
wait_for 30 has_lines dr1 2
stop $pid
expect_eq "two files in the state while the renamed one is read on" "2" "$(grep -vc '^#' drst)"
printf 'r-late\n' >>dr.log.1
printf 'r3\n' >>dr.log
gtail --once --state drst dr.log >dr2
expect_eq "the renamed file's late line and the new file's, once each" $'r1\nr2\nr-late\nr3' "$(cat dr1 dr2)"

# Truncated while gtail is still behind on it (`: > log` with no copy beside it): the line the
# truncation cut is not passed on as a line; the file is read again from its start.
glogsim --lines 100000 --seed 25 >behind.ref
cp behind.ref behind.log
rm -f slow
mkfifo slow
gtail --once --from-start behind.log >slow 2>err &
pid=$!
exec 3<slow
IFS= read -r first <&3
truncate -s 100000 behind.log
cat <&3 >rest
exec 3<&-
wait $pid
expect_eq "truncated while behind: exit 0" "0" "$?"
expect_eq "truncated while behind: reported" "gtail: behind.log: file truncated; reading it again from the start" "$(cat err)"
{ printf '%s\n' "$first"; cat rest; } >out
before=$(($(wc -c <out) - 100001))
CHECKS=$((CHECKS + 1))
cmp -s <(head -c "$before" out) <(head -c "$before" behind.ref) || fail "truncated while behind: the lines before are not the file's"
expect_eq "truncated while behind: they end on a whole line" "" "$(head -c "$before" out | tail -c 1 | tr -d '\n')"
expect_files_eq "truncated while behind: then the file again from its start" <(head -c 100000 behind.ref; echo) \
  <(tail -c 100001 out)

# Hostile bytes: binary junk, no newline at all, a line of 8 MB, pass through unchanged.
{ head -c 100000 /dev/urandom; printf '\n'; head -c 8000000 /dev/zero | tr '\0' x; printf '\nend\n'; } >junk
gtail --once --from-start junk >out
expect_files_eq "binary junk and an 8 MB line pass through byte for byte" junk out
printf 'no newline at all' >nonl
expect_eq "a file without any newline is one line" "no newline at all" "$(gtail --once --from-start nonl)"

# Standard input: read as it arrives, to its end.
expect_eq "- reads standard input to its end" $'a\nb\nc' \
  "$( (printf 'a\nb'; sleep 0.2; printf '\nc\n') | gtail --once -)"
expect_eq "- while following: ends with its input" $'s1\ns2' "$( (printf 's1\n'; sleep 0.2; printf 's2\n') | gtail -)"

# --- Ending: --pid, --idle-timeout, signals, closed pipes, write errors -------------
sleep 1 &
sp=$!
gtail --pid $sp f >out &
pid=$!
wait_for 30 gone $pid || fail "--pid: gtail did not end after the process"
wait $pid
expect_eq "--pid: exit 0" "0" "$?"
gtail --idle-timeout 0.3 f >out &
pid=$!
wait_for 30 gone $pid || fail "--idle-timeout: gtail did not end"
for sig in HUP USR1 INT; do
  gtail f >out &
  pid=$!
  wait_for 30 waiting $pid
  kill -$sig $pid
  wait_for 30 gone $pid || fail "SIG$sig did not end gtail"
  wait $pid
  expect_eq "SIG$sig: exit 0" "0" "$?"
done

set -o pipefail
gtail --once --from-start big 2>err | head -1 >/dev/null
expect_eq "gtail | head -1 exits 0" "0" "$?"
expect_empty "gtail | head -1 is silent" "$(cat err)"
: >h.log
(gtail h.log 2>err | head -1 >/dev/null; echo $? >hstatus) &
wait_for 30 pgrep -f 'gtail h.log' >/dev/null
wait_for 30 waiting "$(pgrep -f 'gtail h.log' | head -1)"
printf 'l1\nl2\n' >>h.log
wait_for 30 test -s hstatus || fail "following into a closed pipe: gtail did not end"
expect_eq "following into | head -1 ends with 0" "0" "$(cat hstatus)"
set +o pipefail
if [[ -w /dev/full ]]; then
  gtail --once --from-start f >/dev/full 2>err
  expect_eq "write error: status 2" "2" "$?"
  expect_eq "write error named" "gtail: standard output: No space left on device" "$(cat err)"
fi

# --poll: the same results without inotify.
printf 'p0\n' >poll.log
gtail --poll 0.05 poll.log >out 2>err &
pid=$!
wait_for 30 waiting $pid
printf 'p1\n' >>poll.log
mv poll.log poll.log.1
printf 'p2\n' >>poll.log.1
printf 'p3\n' >poll.log
wait_for 30 has_lines out 3 || fail "--poll: $(wc -l <out) of 3 lines"
stop $pid
expect_eq "--poll follows rotation too" $'p1\np2\np3' "$(cat out)"
pass
