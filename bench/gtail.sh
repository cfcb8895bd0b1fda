# gtail: what a follower is judged on — how soon an appended line reaches stdout, and whether
# lines survive a rotation — against GNU `tail -F`; plus reading a whole log (--once).
#
# Latency: a writer appends lines holding the time they were written ($EPOCHREALTIME) to one
# log, 100 a second; gtail and tail -F follow it at the same time, each into a reader that
# stamps the time each line arrives. Reported: median and 99th percentile of arrival - write.
# Rotation: glogsim writes a log at 1000 lines/s, renaming it every 1000 lines and writing 50
# more lines to the renamed file each time (a server that has not reopened yet); both
# followers run through it, and the lines each lost or printed twice are counted.

compare "gtail --once --from-start (read a whole log)" "$BENCH_LOG" \
  "gpipe gtail" "gtail --once --from-start '$BENCH_LOG'" \
  "tail -n +1" "tail -n +1 '$BENCH_LOG'" \
  "cat" "cat '$BENCH_LOG'"

_gtail_bench() {
  local dir=$BENCH_TMP/gtail samples=${GTAIL_BENCH_SAMPLES:-500}
  rm -rf "$dir"
  mkdir -p "$dir"
  (
    cd "$dir" || exit 1
    stamp() { while IFS= read -r t; do printf '%s %s\n' "$EPOCHREALTIME" "$t"; done; }
    percentiles() {  # "p50 p99" in ms of the latencies in $1
      awk '{printf "%.3f\n", ($1 - $2) * 1000}' "$1" | sort -n |
        awk '{a[NR] = $1} END {if (NR == 0) {print "- -"; exit}
             i50 = int(NR * 0.50 + 0.5); i99 = int(NR * 0.99 + 0.5); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1
             printf "%.1f %.1f %d\n", a[i50], a[i99], NR}'
    }

    : >lat.log
    gtail lat.log 2>/dev/null | stamp >gtail.lat &
    tail -n 0 -F lat.log 2>/dev/null | stamp >tail.lat &
    sleep 1
    for ((i = 0; i < samples; i++)); do
      printf '%s\n' "$EPOCHREALTIME" >>lat.log
      read -rt 0.01 <> <(:) || true  # sleep 10 ms without a process
    done
    sleep 1
    pkill -TERM -P $$ -x gtail 2>/dev/null; pkill -TERM -P $$ -x tail 2>/dev/null
    kill $(jobs -p) 2>/dev/null
    wait 2>/dev/null
    read -r g50 g99 gn < <(percentiles gtail.lat)
    read -r t50 t99 tn < <(percentiles tail.lat)
    printf '| gtail: append-to-stdout latency (%d lines, 100/s) | gpipe gtail p50 %s ms, p99 %s ms (%s lines); tail -F p50 %s ms, p99 %s ms (%s lines) | | |\n' \
      "$samples" "$g50" "$g99" "$gn" "$t50" "$t99" "$tn"

    : >rot.log
    gtail rot.log 2>/dev/null >gtail.rot &
    tail -n 0 -F rot.log 2>/dev/null >tail.rot &
    sleep 1
    glogsim --rate 1000/s --lines 5000 --rotate-every 1000 --late-lines 50 --keep 9 --output rot.log
    sleep 2
    pkill -TERM -P $$ -x gtail 2>/dev/null; pkill -TERM -P $$ -x tail 2>/dev/null
    kill $(jobs -p) 2>/dev/null
    wait 2>/dev/null
    cat rot.log.* rot.log | sort >expected
    local lost_g dup_g lost_t dup_t
    lost_g=$(sort gtail.rot | comm -23 expected - | wc -l)
    dup_g=$(sort gtail.rot | comm -13 expected - | wc -l)
    lost_t=$(sort tail.rot | comm -23 expected - | wc -l)
    dup_t=$(sort tail.rot | comm -13 expected - | wc -l)
    printf '| gtail: rename rotation with late lines (%d lines, 5 rotations, 50 late each) | gpipe gtail lost %d, doubled %d; tail -F lost %d, doubled %d | | |\n' \
      "$(wc -l <expected)" "$lost_g" "$dup_g" "$lost_t" "$dup_t"
    ((lost_g == 0 && dup_g == 0))
  ) || BENCH_FAILED=1
}
_gtail_bench
