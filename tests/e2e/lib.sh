# Sourced by every end-to-end test. The built tools are first on PATH (tests/CMakeLists.txt).
# Each test runs in a fresh temporary directory, removed at the end.
#
#   source "$(dirname "$0")/lib.sh"
#   glogsim --lines 100 > log
#   expect_eq "gsum totals the last column" "$(awk '{s+=$NF} END {print s}' log)" "$(gsum < log)"
#   expect_status 2 gsum --no-such-option
#   pass
set -uo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gpipe-e2e.$TEST_NAME.XXXXXX")
trap 'chmod -R u+rwx "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
cd "$WORK" || exit 2
FAILURES=0
CHECKS=0

fail() {
  echo "FAIL: $*" >&2
  FAILURES=$((FAILURES + 1))
}

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
  CHECKS=$((CHECKS + 1))
  if [[ "$2" != "$3" ]]; then
    fail "$1"
    diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | head -20 | sed 's/^/    /' >&2
  fi
}

# expect_files_eq DESCRIPTION EXPECTED_FILE ACTUAL_FILE
expect_files_eq() {
  CHECKS=$((CHECKS + 1))
  if ! cmp -s "$2" "$3"; then
    fail "$1"
    diff "$2" "$3" | head -20 | sed 's/^/    /' >&2
  fi
}

# expect_status STATUS COMMAND...   (stdout and stderr are kept in $WORK/out and $WORK/err)
expect_status() {
  local want=$1
  shift
  CHECKS=$((CHECKS + 1))
  "$@" >"$WORK/out" 2>"$WORK/err"
  local got=$?
  if [[ $got != "$want" ]]; then
    fail "'$*' exited $got, expected $want"
    head -5 "$WORK/err" | sed 's/^/    stderr: /' >&2
  fi
}

# expect_match DESCRIPTION REGEX TEXT   (grep -E)
expect_match() {
  CHECKS=$((CHECKS + 1))
  if ! grep -Eq -- "$2" <<<"$3"; then
    fail "$1: '$3' does not match /$2/"
  fi
}

# expect_empty DESCRIPTION TEXT
expect_empty() {
  CHECKS=$((CHECKS + 1))
  [[ -z "$2" ]] || fail "$1: expected nothing, got '$(head -c 300 <<<"$2")'"
}

# Ends the test: status 0 only if every check passed and at least one ran.
pass() {
  if ((CHECKS == 0)); then
    echo "FAIL: $TEST_NAME ran no checks" >&2
    exit 1
  fi
  if ((FAILURES > 0)); then
    echo "$TEST_NAME: $FAILURES of $CHECKS checks failed" >&2
    exit 1
  fi
  echo "$TEST_NAME: $CHECKS checks passed"
  exit 0
}

# Every line of stdin is a JSON object (python3's parser is the referee); prints the count.
json_ok() { python3 -c 'import json, sys
n = 0
for line in sys.stdin.buffer:
    assert isinstance(json.loads(line), dict); n += 1
print(n)'; }
