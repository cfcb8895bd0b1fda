# gsum: the tutorial's two programs on glogsim data, checked against an independent
# computation (the tutorial's own Python); exact big integers and decimals; the options;
# and the bad paths (junk, missing files, closed pipes, full disks).
source "$(dirname "$0")/lib.sh"

glogsim --lines 50000 --seed 5 --format common > access-log

# The tutorial, Part 2: sum(int(x) for x in bytecolumn if x != '-'), in Python.
tutorial_sum() {
  python3 -c '
import re, sys
pat = re.compile(sys.argv[1]) if len(sys.argv) > 1 else None
total = 0
for line in sys.stdin:
    if pat is None or pat.search(line):
        x = line.rsplit(None, 1)[1]
        if x != "-":
            total += int(x)
print(total)' "$@"
}
expect_eq "gsum < access-log is the tutorial's total" "$(tutorial_sum < access-log)" "$(gsum < access-log)"
expect_eq "a FILE argument gives the same" "$(tutorial_sum < access-log)" "$(gsum access-log)"
# A file and a pipe both the tutorial's total, with or without a final newline.
expect_eq "a pipe gives the same" "$(tutorial_sum < access-log)" "$(cat access-log | gsum)"
head -c -1 access-log > no-final-newline
expect_eq "a file without a final newline" "$(tutorial_sum < no-final-newline)" "$(gsum no-final-newline)"
expect_eq "a pipe without a final newline" "$(tutorial_sum < no-final-newline)" "$(cat no-final-newline | gsum)"
expect_eq "several files are one total" "$(cat access-log access-log | tutorial_sum)" "$(gsum access-log - < access-log)"

# The tutorial's bytes for a pattern over a directory of logs (gen_find | gen_open | gen_cat |
# gen_grep | sum). The reference reads the tree with find, gzip and bzip2.
glogsim --tree www --lines 3000 --format common
reference=$(find www -name 'access-log*' | sort | while read -r f; do
  case $f in *.gz) gzip -dc "$f" ;; *.bz2) bzip2 -dc "$f" ;; *) cat "$f" ;; esac
done | tutorial_sum 'ply-.*\.gz')
CHECKS=$((CHECKS + 1)); ((reference > 0)) || fail "the tree holds bytes for ply-.*\\.gz"
got=$(find www -name 'access-log*' | sort | while read -r f; do
  case $f in *.gz) gzip -dc "$f" ;; *.bz2) bzip2 -dc "$f" ;; *) cat "$f" ;; esac
done | ggrep 'ply-.*\.gz' | gsum)
expect_eq "… | ggrep 'ply-.*\\.gz' | gsum is the tutorial's total" "$reference" "$got"
if command -v gfind >/dev/null && command -v gopen-cat >/dev/null; then
  expect_eq "gfind | gopen-cat | ggrep | gsum is the tutorial's total" "$reference" \
    "$(gfind 'access-log*' www | gopen-cat | ggrep 'ply-.*\.gz' | gsum)"
fi

# Exact where awk and doubles are not; never an exponent.
expect_eq "integers are exact beyond 64 bits" "18446744073709551614" \
  "$(printf '9223372036854775807\n9223372036854775807\n' | gsum)"
expect_eq "beyond 2^31 (mawk's limit)" "4294967296" "$(printf '2147483648\n2147483648\n' | gsum)"
expect_eq "no exponent for large totals" "500000500000" "$(seq 1 1000000 | gsum)"
expect_eq "decimals are exact" "0.3" "$(printf '0.1\n0.2\n' | gsum)"
expect_eq "a total keeps the most fraction digits" "12.50" "$(printf '10\n2.50\n' | gsum)"
expect_eq "a million tenths" "100000.0" "$(yes 0.1 | head -1000000 | gsum)"
expect_eq "negative numbers and signs" "-1.5" "$(printf -- '-3\n+1.5\n' | gsum)"
expect_eq "exponents are read" "1500.5" "$(printf '1.5e3\n5e-1\n' | gsum)"
expect_eq "beyond 18 fraction digits: the shortest double" "1.3333333333333333" \
  "$(printf '1\n0.3333333333333333333333\n' | gsum)"

# Options.
printf 'a 1 10\nb 2 20\nc - 30\n' > cols
expect_eq "-c 2" "3" "$(gsum -c 2 cols)"
expect_eq "-c -2 counts from the end" "3" "$(gsum -c -2 cols)"
expect_eq "--column 1: words are skipped and counted" "0" "$(gsum --column 1 cols 2>/dev/null)"
printf 'x,1.5,a\ny,,b\nz,2,c\n' > csv
expect_eq "-d , -c 2 (an empty field is not a number)" "3.5" "$(gsum -d , -c 2 csv 2>/dev/null)"
expect_eq "-d with tab" "3" "$(printf 'a b\t1\nc d\t2\n' | gsum -d '\t')"
expect_eq "--running: the total after each line" "10 30 60" "$(gsum --running cols | tr '\n' ' ' | sed 's/ $//')"
expect_eq "--stats" "$(printf 'sum 60\ncount 3\nmin 10\nmax 30\nmean 20')" "$(gsum --stats cols)"
expect_eq "--count --mean on one line" "3 20" "$(gsum --count --mean cols)"
expect_eq "--sum --min --max" "60 10 30" "$(gsum --sum --min --max cols)"
expect_eq "no values: 0, and - for min" "0 0 -" "$(gsum --sum --count --min < /dev/null)"
expect_status 2 gsum --running --stats cols
expect_status 2 gsum -c 0 cols
expect_match "-c 0 is refused" "^gsum: .*numbered from 1" "$(cat err)"

# Records.
awk '{printf "{\"host\":\"%s\",\"r\":{\"bytes\":%s}}\n", $1, ($10 == "-" ? "null" : $10)}' access-log > records
expect_eq "-f r.bytes totals a nested field" "$(tutorial_sum < access-log)" "$(gsum -f r.bytes records)"
expect_eq "--running over records (the tutorial's bytes_transferred)" "$(tutorial_sum < access-log)" \
  "$(gsum -f r.bytes --running records | tail -1)"
expect_status 0 gsum -f byts records
expect_eq "a field no record has is pointed out" "gsum: no record has a field 'byts'" "$(cat err)"

# Values that are not numbers: skipped, counted once on stderr; --strict makes them exit 1.
glogsim --lines 5000 --seed 9 --format common --malformed 0.05 > damaged
expect_status 0 gsum damaged
expect_match "one summary line for the skipped values" "^gsum: [0-9]+ values skipped; the first: damaged: line [0-9]+: " "$(cat err)"
expect_eq "exactly one line" "1" "$(wc -l < err)"
expect_status 1 gsum --strict damaged
expect_match "--strict: the same line, status 1" "^gsum: [0-9]+ values skipped" "$(cat err)"
good=$(gsum damaged 2>/dev/null)
expect_eq "the good lines of a damaged log are all counted" "$(python3 -c '
import re, sys
from decimal import Decimal
number = re.compile(rb"[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?")
total = Decimal(0)
for line in sys.stdin.buffer:
    fields = line.split()  # bytes: blanks are space, tab, CR, VT, FF, as in gsum
    if fields and number.fullmatch(fields[-1]):
        total += Decimal(fields[-1].decode())
print(total)' < damaged)" "$good"
{ head -c 5000 /dev/urandom; printf '\n7\n'; } > junk
expect_status 0 gsum junk
expect_match "binary junk is skipped, not fatal" "^gsum: " "$(cat err)"
{ head -c 10000000 /dev/zero | tr '\0' x; echo ' 5'; echo 6; } > huge
expect_eq "a 10 MB line" "11" "$(gsum huge)"
printf '1\n2' > no-newline
expect_eq "a last line without newline counts" "3" "$(gsum no-newline)"

# Hostile numbers (issue 8): huge, negative, and not numbers at all.
expect_eq "huge integers that cancel: exactly 0" "0.5" \
  "$(printf '%s\n' 99999999999999999999999999999999999999 -99999999999999999999999999999999999999 0.5 | gsum)"
expect_eq "a thousand of the largest 64-bit integer, exactly" \
  "$(python3 -c 'print(1000 * (2**63 - 1))')" "$(yes 9223372036854775807 | head -1000 | gsum)"
expect_eq "a thousand of the smallest, exactly" \
  "$(python3 -c 'print(-1000 * 2**63)')" "$(yes -- -9223372036854775808 | head -1000 | gsum)"
expect_eq "--min and --max of huge negative and positive values" \
  "-99999999999999999999999999999999999999 99999999999999999999999999999999999999" \
  "$(printf '%s\n' 5 -99999999999999999999999999999999999999 99999999999999999999999999999999999999 | gsum --min --max)"
printf '%s\n' nan NaN inf -inf Infinity 0x1A 1_000 1,5 --5 +-5 . e5 5e 1e+ '−5' '5 apples' 7 >notnumbers
expect_status 0 gsum -d '|' notnumbers
expect_eq "nan, inf, hex, separators, lone signs and dots are not numbers: only 7 counts" "7" "$(cat out)"
expect_eq "... skipped and counted in one line" \
  "gsum: 16 values skipped; the first: notnumbers: line 1: 'nan' is not a number" "$(cat err)"
# Beyond a double (about 1.8e308): such a value is skipped as out of range, and a total that
# leaves the range prints as inf with status 1, never as nan.
printf '1e999\n-1e999\n%s\n5\n' "1$(printf '0%.0s' {1..400})" >outofrange
expect_status 0 gsum outofrange
expect_eq "values beyond a double are skipped" "5" "$(cat out)"
expect_eq "... as out of range" "gsum: 3 values skipped; the first: outofrange: line 1: '1e999' is out of range" "$(cat err)"
expect_status 1 gsum --stats <<<$'1e308\n1e308\n-1'
expect_eq "a total beyond a double is inf, its mean too" \
  "$(printf 'sum inf\ncount 3\nmin -1\nmax 100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\nmean inf')" "$(cat out)"
expect_eq "... reported, status 1" \
  "gsum: the total is beyond the range of a double (about 1.8e308), and printed as inf" "$(cat err)"
expect_status 1 gsum --running <<<$'-1e308\n-1e308'
expect_eq "a running total that leaves the range is -inf" "-100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
-inf" "$(cat out)"
expect_status 0 gsum -f n <<<$'{"n":1e999}\n{"n":"12"}\n{"n":-3}\n{"n":true}\n{"n":[1]}\n{"n":null}'
expect_eq "records: a numeric string counts; huge, boolean and array do not" "9" "$(cat out)"

# Files that cannot be read: named, the rest still totalled, status 1.
expect_status 1 gsum cols nonexistent cols
expect_eq "the readable files are totalled" "120" "$(cat out)"
expect_eq "the missing file is named" "gsum: nonexistent: No such file or directory" "$(cat err)"
mkdir adir
expect_status 1 gsum adir
expect_eq "a directory is named" "gsum: adir: Is a directory" "$(cat err)"

# A closed pipe ends gsum quietly (status 0); a full disk is an error (status 2).
set -o pipefail
gsum --running access-log 2>err | head -1 > /dev/null
expect_eq "gsum --running | head -1 exits 0" "0" "$?"
expect_empty "and is silent" "$(cat err)"
set +o pipefail
if [[ -w /dev/full ]]; then
  gsum access-log > /dev/full 2>err
  expect_eq "a full disk gives status 2" "2" "$?"
  expect_eq "and names standard output" "gsum: standard output: No space left on device" "$(cat err)"
  gsum --running access-log > /dev/full 2>err
  expect_eq "--running to a full disk gives status 2" "2" "$?"
fi
pass
