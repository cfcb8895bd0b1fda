# Sourced by every cookbook pipeline test. Each test runs in a fresh directory holding the demo
# data (scripts/demo-data: access-log and the www/ tree), runs README recipes verbatim with
# `recipe`, and checks their output against an answer computed independently (awk, python3).
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
README=$GPIPE_SOURCE_DIR/README.md
"$GPIPE_SOURCE_DIR/scripts/demo-data" . || { echo "FAIL: scripts/demo-data" >&2; exit 1; }

# The README's Cookbook section.
cookbook() {
  awk '/^## / { inside = ($0 == "## Cookbook") } inside' "$README"
}

# recipe 'PIPELINE': checks the README's Cookbook shows PIPELINE verbatim, runs it with
# pipefail, and leaves its stdout in $WORK/got and its stderr in $WORK/got.err.
recipe() {
  CHECKS=$((CHECKS + 1))
  cookbook | grep -F -e "$1" >/dev/null ||
    fail "the README's Cookbook does not show: $1"
  bash -o pipefail -c "$1" >"$WORK/got" 2>"$WORK/got.err"
  local status=$?
  CHECKS=$((CHECKS + 1))
  ((status == 0)) || { fail "'$1' exited $status"; sed 's/^/    stderr: /' "$WORK/got.err" | head -5 >&2; }
}

# live_recipe 'PIPELINE': as recipe, but started in the background (for pipelines that follow a
# log forever); its pid is in $LIVE_PID, its output in $WORK/got and $WORK/got.err.
live_recipe() {
  CHECKS=$((CHECKS + 1))
  cookbook | grep -F -e "$1" >/dev/null ||
    fail "the README's Cookbook does not show: $1"
  bash -o pipefail -c "$1" >"$WORK/got" 2>"$WORK/got.err" &
  LIVE_PID=$!
}

# wait_for 'SHELL CONDITION' [SECONDS]: polls until the condition holds (default 20 s: the test
# machines are shared and slow); returns 1 on timeout.
wait_for() {
  local deadline=$((SECONDS + ${2:-20}))
  until eval "$1"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

# skip REASON: the test cannot run here (a test-only package is missing); ctest shows it skipped.
skip() {
  echo "SKIP: $TEST_NAME: $*"
  exit 77
}
