# gsum: the tutorial's total of the bytes column over the big log, against gawk, mawk and the
# tutorial's own Python (its generator version, printing the bare total), from a file and from
# a pipe; then the tutorial's grep-and-sum program. `cat` is the floor the issue's goal is
# stated against (at most 2.3× its time). awk totals are doubles, exact at this size;
# "%.0f" because mawk's "%d" stops at 2147483647.
gsum_python='
import sys
with open(sys.argv[1]) as wwwlog:
    bytecolumn = (line.rsplit(None,1)[1] for line in wwwlog)
    bytes_sent = (int(x) for x in bytecolumn if x != "-")
    print(sum(bytes_sent))'
printf '%s\n' "$gsum_python" > "$BENCH_TMP/bytes_sent.py"
compare "gsum FILE (bytes column)" "$BENCH_LOG" \
  "gpipe gsum" "gsum '$BENCH_LOG'" \
  "floor: cat FILE >/dev/null" "cat '$BENCH_LOG'" \
  "gawk" "gawk '{s += \$NF} END {printf \"%.0f\\n\", s}' '$BENCH_LOG'" \
  "mawk" "mawk '{s += \$NF} END {printf \"%.0f\\n\", s}' '$BENCH_LOG'" \
  "python3 (tutorial)" "python3 '$BENCH_TMP/bytes_sent.py' '$BENCH_LOG'"
compare "cat FILE | gsum" "$BENCH_LOG" \
  "gpipe gsum" "cat '$BENCH_LOG' | gsum" \
  "mawk" "cat '$BENCH_LOG' | mawk '{s += \$NF} END {printf \"%.0f\\n\", s}'"
compare "ggrep 'ply-.*\\.gz' FILE | gsum (the tutorial's grep + sum)" "$BENCH_LOG" \
  "gpipe ggrep | gsum" "ggrep 'ply-.*\\.gz' '$BENCH_LOG' | gsum" \
  "grep | mawk" "LC_ALL=C grep 'ply-.*\\.gz' '$BENCH_LOG' | mawk '{s += \$NF} END {printf \"%.0f\\n\", s}'"
