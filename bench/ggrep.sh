# ggrep: the tutorial's pattern over the big log, against GNU grep and ripgrep, from a file and
# from a pipe (the goal: as fast as ripgrep). The output compared is every selected line.
# A pattern with no required literal (an alternation) shows the path where RE2 runs alone.
# GNU grep stops at the first match when its output is /dev/null (as the harness times it), so
# its output goes through `| cat`: otherwise it would be timed doing a different job.
ggrep_pattern='ply-.*\.gz'
if ! ggrep -q "$ggrep_pattern" "$BENCH_LOG"; then
  echo "bench/ggrep.sh: $BENCH_LOG holds no line matching $ggrep_pattern" >&2
  BENCH_FAILED=1
fi
compare "ggrep 'ply-.*\\.gz' FILE" "$BENCH_LOG" \
  "gpipe ggrep" "ggrep '$ggrep_pattern' '$BENCH_LOG'" \
  "GNU grep" "LC_ALL=C grep '$ggrep_pattern' '$BENCH_LOG' | cat" \
  "ripgrep" "rg --no-filename '$ggrep_pattern' '$BENCH_LOG'"
compare "cat FILE | ggrep 'ply-.*\\.gz'" "$BENCH_LOG" \
  "gpipe ggrep" "cat '$BENCH_LOG' | ggrep '$ggrep_pattern'" \
  "GNU grep" "cat '$BENCH_LOG' | LC_ALL=C grep '$ggrep_pattern' | cat" \
  "ripgrep" "cat '$BENCH_LOG' | rg '$ggrep_pattern'"
compare "ggrep -c ' (404|500) ' FILE (no literal)" "$BENCH_LOG" \
  "gpipe ggrep" "ggrep -c ' (404|500) ' '$BENCH_LOG'" \
  "GNU grep" "LC_ALL=C grep -Ec ' (404|500) ' '$BENCH_LOG' | cat" \
  "ripgrep" "rg -c ' (404|500) ' '$BENCH_LOG'"
