# bench/lib.sh's compare(): a peer giving another answer is a MISMATCH; BENCH_NORMALIZE=sort
# forgives only the order of lines; INPUT `-` prints no throughput.
source "$(dirname "$0")/lib.sh"
BENCH_TMP=$WORK/bench
mkdir -p "$BENCH_TMP"
: >"$BENCH_TMP/missing"
BENCH_REPS=1
source "${GPIPE_SOURCE_DIR:?}/bench/lib.sh"

compare "order differs" - "gpipe ab" "printf 'a\nb\n'" "peer ba" "printf 'b\na\n'" >row
row=$(cat row)
expect_match "another order is a mismatch by default" "MISMATCH" "$row"
expect_eq "a mismatch fails the run" "1" "$BENCH_FAILED"

BENCH_FAILED=0
row=$(BENCH_NORMALIZE=sort compare "order differs" - "gpipe ab" "printf 'a\nb\n'" "peer ba" "printf 'b\na\n'")
[[ $row == *MISMATCH* ]] && fail "BENCH_NORMALIZE=sort forgives the order: $row"
CHECKS=$((CHECKS + 1))
expect_match "INPUT - gives no throughput" '^\| order differs \| gpipe ab [0-9.]+ s; peer ba [0-9.]+ s \([0-9.]+×\) \| - \|' "$row"

row=$(BENCH_NORMALIZE=sort compare "content differs" - "gpipe ab" "printf 'a\nb\n'" "peer ac" "printf 'c\na\n'")
expect_match "sorting does not forgive other lines" "MISMATCH" "$row"

BENCH_FAILED=0
row=$(compare "floor" - "gpipe a" "printf 'a\n'" "floor: cat" "printf 'other\n'")
[[ $row == *MISMATCH* ]] && fail "a floor's output is not compared: $row"
CHECKS=$((CHECKS + 1))
expect_match "a floor says how many times its time gpipe takes" '; cat [0-9.]+ s \(gpipe [0-9.]+× it\) \|' "$row"
expect_eq "a floor fails nothing" "0" "$BENCH_FAILED"

# A command slower than BENCH_SLOW seconds is timed by its check run alone.
: >"$WORK/slow-runs"
row=$(BENCH_REPS=3 BENCH_SLOW=0.2 compare "slow peer" - "gpipe a" "printf 'a\n'" \
  "peer slow" "echo run >>'$WORK/slow-runs'; sleep 0.3; printf 'a\n'")
expect_match "a slow peer's cell says it ran once" 'peer slow [0-9.]+ s \([0-9.]+×, 1 run\)' "$row"
expect_eq "a slow peer runs only its check" "1" "$(wc -l <"$WORK/slow-runs")"
pass
