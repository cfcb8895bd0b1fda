# Sourced by scripts/bench. Each bench/NAME.sh calls `compare` for its workloads.
#
#   compare "gsum: total bytes" "$BENCH_LOG" \
#     gsum   "gsum < '$BENCH_LOG'" \
#     mawk   "mawk '{s+=\$NF} END {printf \"%d\\n\", s}' < '$BENCH_LOG'"
#
# The first command is gpipe's; the others are the peers. Every command runs once to check
# that its output equals gpipe's (fast and wrong is a failure: the row says MISMATCH and the
# run ends with status 1), then all run BENCH_REPS times interleaved (one whose check took
# over BENCH_SLOW seconds, 30 by default, is timed by its check alone); the row gives each
# median, gpipe's throughput on INPUT (a file, or a number of bytes), gpipe's ratio
# against each peer (how many times faster) and gpipe's peak memory.
# A peer whose program is not installed is reported as missing and skipped.
#
# A peer named `floor: NAME` is not an answer but a lower bound on the time (`cat FILE
# >/dev/null`: the reading alone): its output is not compared, and its cell says how many
# times its time gpipe takes (`cat 0.15 s (gpipe 2.1× it)`), the figure a goal such as
# "within 2.3× of cat" is stated in.
#
# INPUT `-` means the workload reads no input file (a directory walk): no throughput.
# BENCH_NORMALIZE=sort compares outputs after sorting their lines, for peers whose order is
# not deterministic (fd prints as its threads find):
#
#   BENCH_NORMALIZE=sort compare "gfind: *.h under /usr" - \
#     gfind "gfind '*.h' /usr" \
#     fd    "fdfind -u -g '*.h' /usr"

BENCH_REPS=${BENCH_REPS:-5}
BENCH_SLOW=${BENCH_SLOW:-30}
BENCH_FAILED=0

_median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "nan"; else print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

_seconds_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.4f\n", b - a}'; }

# Seconds one run takes (output discarded).
_time_cmd() {
  local start=$EPOCHREALTIME
  bash -c "$1" >/dev/null 2>&1
  _seconds_since "$start"
}

_peak_kb() {
  /usr/bin/time -f '%M' -o "$BENCH_TMP/mem" bash -c "$1" >/dev/null 2>&1
  tail -1 "$BENCH_TMP/mem"
}

_bytes_of() {
  if [[ -e $1 ]]; then stat -L -c %s "$1"; else echo "$1"; fi
}

compare() {
  local workload=$1 input=$2
  shift 2
  local names=() cmds=()
  while (($#)); do
    local first_word
    first_word=$(awk '{for (i = 1; i <= NF; i++) if ($i !~ /=/ && $i != "(" ) {print $i; exit}}' <<<"$2")
    if [[ $1 != gpipe* ]] && ! command -v "$first_word" >/dev/null 2>&1; then
      echo "| $workload | $1: not installed | | | |" >>"$BENCH_TMP/missing"
    else
      names+=("$1")
      cmds+=("$2")
    fi
    shift 2
  done
  # Same answer first.
  local normalize=cat
  [[ ${BENCH_NORMALIZE:-} == sort ]] && normalize="env LC_ALL=C sort"
  local start=$EPOCHREALTIME
  bash -c "${cmds[0]}" 2>/dev/null | $normalize >"$BENCH_TMP/expected"
  local i
  local ok=() checked=()
  checked[0]=$(_seconds_since "$start")
  for ((i = 1; i < ${#cmds[@]}; i++)); do
    checked[$i]=0
    [[ ${names[$i]} == floor:* ]] && { ok[$i]=1; continue; }
    start=$EPOCHREALTIME
    if bash -c "${cmds[$i]}" 2>/dev/null | $normalize | cmp -s - "$BENCH_TMP/expected"; then
      ok[$i]=1
    else
      ok[$i]=0
      BENCH_FAILED=1
    fi
    checked[$i]=$(_seconds_since "$start")
  done
  ok[0]=1
  # A command whose check took over BENCH_SLOW seconds (the tutorial's Python on 1 GB takes
  # minutes) is timed by that run alone: more runs would not change a ratio of 100× in any
  # figure shown, and would take most of the benchmark's hour. Its cell says "1 run".
  local -A runs=() once=()
  for ((i = 0; i < ${#cmds[@]}; i++)); do
    if awk -v t="${checked[$i]}" -v s="$BENCH_SLOW" 'BEGIN {exit !(t > s)}'; then
      once[$i]=1
      runs[$i]="${checked[$i]} "
    fi
  done
  local rep
  for ((rep = 0; rep < BENCH_REPS; rep++)); do
    for ((i = 0; i < ${#cmds[@]}; i++)); do
      [[ -n ${once[$i]:-} ]] && continue
      runs[$i]+="$(_time_cmd "${cmds[$i]}") "
    done
  done
  local medians=()
  for ((i = 0; i < ${#cmds[@]}; i++)); do
    medians[$i]=$(tr ' ' '\n' <<<"${runs[$i]}" | grep . | _median)
  done
  local bytes mb_s mem
  if [[ $input == - ]]; then
    mb_s="-"
  else
    bytes=$(_bytes_of "$input")
    mb_s=$(awk -v b="$bytes" -v t="${medians[0]}" 'BEGIN {if (t > 0) printf "%.0f MB/s", b / t / 1e6; else print "-"}')
  fi
  mem=$(_peak_kb "${cmds[0]}")
  local cells="${names[0]} ${medians[0]} s${once[0]:+ (1 run)}"
  for ((i = 1; i < ${#cmds[@]}; i++)); do
    local ratio
    local name=${names[$i]}
    if [[ $name == floor:* ]]; then
      name=${name#floor: }
      ratio=$(awk -v g="${medians[0]}" -v p="${medians[$i]}" 'BEGIN {if (p > 0) printf "gpipe %.1f× it", g / p; else print "-"}')
    else
      ratio=$(awk -v g="${medians[0]}" -v p="${medians[$i]}" 'BEGIN {if (g > 0) printf "%.1f×", p / g; else print "-"}')
    fi
    ((ok[i])) || ratio="MISMATCH"
    cells+="; $name ${medians[$i]} s ($ratio${once[$i]:+, 1 run})"
  done
  printf '| %s | %s | %s | %s MB |\n' "$workload" "$cells" "$mb_s" "$(awk -v k="$mem" 'BEGIN {printf "%.0f", k / 1024}')"
}
