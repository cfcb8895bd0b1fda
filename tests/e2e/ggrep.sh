# ggrep: the same lines as GNU grep for grep's options, RE2's linear time, records, and the
# bad paths (bad patterns, unreadable inputs, closed pipes, full disks).
source "$(dirname "$0")/lib.sh"

glogsim --lines 30000 --seed 3 --format common > log
glogsim --lines 5000 --seed 4 > log2
CHECKS=$((CHECKS + 1))
(($(grep -c 'ply-.*\.gz' log) > 100)) || fail "glogsim data holds the tutorial's pattern"

# A file and a pipe (read in blocks, lines across their ends): the same lines either way, with
# or without a final newline.
{ cat log; printf '%s' '1.2.3.4 - - [24/Feb/2008:00:10:00 -0600] "GET /ply/ply-9.tar.gz HTTP/1.1" 200 100'; } > log-no-final-newline
for f in log log-no-final-newline; do
  expect_eq "cat $f | ggrep is ggrep $f" "$(ggrep -n 'ply-.*\.gz' "$f")" "$(cat "$f" | ggrep -n 'ply-.*\.gz')"
  expect_eq "ggrep $f is grep $f" "$(grep -n 'ply-.*\.gz' "$f")" "$(ggrep -n 'ply-.*\.gz' "$f")"
done

# The same output as GNU grep, option by option (RE2 and ERE agree on these patterns).
same_as_grep() {
  local want got
  want=$(grep "$@" 2>&1; echo "status $?")
  got=$(ggrep "$@" 2>&1; echo "status $?")
  expect_eq "ggrep $* is grep $*" "$want" "$got"
}
for opts in "" -v -n -c -o -i -w -x -vn -on -cv "-m 7 -n" "-m 3 -v" -in -ow; do
  # shellcheck disable=SC2086
  same_as_grep $opts -E 'ply-.*\.gz' log
  # shellcheck disable=SC2086
  same_as_grep $opts -E 'GET /ply/' log log2
done
same_as_grep -E 'zzz-no-such-thing' log
same_as_grep -E '^[0-9.]+ ' -c log
same_as_grep -E ' (404|500) ' log
same_as_grep -E '(a|b)c$|^x' log
same_as_grep -F 'ply-2.3.tar.gz' log
same_as_grep -F -x '' log
same_as_grep -e 'robots' -e '\.bz2 ' log
same_as_grep -h robots log log2
same_as_grep -H robots log
expect_eq "- is standard input, named as grep names it" "$(grep -c robots log - < log2)" "$(ggrep -c robots log - < log2)"
same_as_grep -w 'GET' -c log
same_as_grep -iw 'get /PLY/' log
printf 'robots\nply-2\n' > pats
same_as_grep -f pats log
: > empty-pats
same_as_grep -f empty-pats log

# From a pipe: the same lines as from the file.
expect_eq "a pipe gives what the file gives" "$(ggrep 'ply-.*\.gz' log | md5sum)" "$(cat log | ggrep 'ply-.*\.gz' | md5sum)"

# Exit status as grep: 0 selected, 1 none, 2 error.
expect_status 0 ggrep -q robots log
expect_status 1 ggrep -q zzz-nothing log
expect_status 1 ggrep zzz-nothing log
expect_empty "no match prints nothing" "$(cat out)"
expect_status 2 ggrep
expect_match "a missing pattern is one usage line" "^ggrep: no PATTERN given" "$(cat err)"

# -q and -m stop reading: endless input ends at once.
expect_eq "-q stops at the first match on endless input" "0" "$(yes | ggrep -q y; echo "${PIPESTATUS[1]}")"
expect_eq "-m 2 stops on endless input" "y y" "$(yes | ggrep -m 2 y | tr '\n' ' ' | sed 's/ $//')"

# grep habits: -e with a pattern starting with '-', -h means no file name, -E accepted.
printf -- '-x marks\nplain\n' > dash
expect_eq "-e -x is the pattern '-x'" "-x marks" "$(ggrep -e -x dash)"
expect_eq "-- ends the options" "-x marks" "$(ggrep -- -x dash)"
expect_eq "-E is accepted" "plain" "$(ggrep -E 'pl(a|b)in' dash)"
expect_eq "-h drops file names" "plain" "$(ggrep -h plain dash dash | head -1)"
expect_eq "the missing newline is supplied" "abc" "$(printf 'x\nabc' | ggrep abc)"
expect_eq "its bytes end in a newline" "4" "$(printf 'x\nabc' | ggrep abc | wc -c)"

# RE2: patterns it cannot run are refused with its reason and a hint; hostile ones are fast.
expect_status 2 ggrep '(a)\1' log
expect_match "a backreference is refused with RE2's reason" \
  "^ggrep: pattern '\(a\)\\\\1': invalid escape sequence: .*no backreferences or lookaround" "$(cat err)"
expect_status 2 ggrep 'foo(?=bar)' log
expect_match "lookahead is refused" "^ggrep: pattern 'foo\(\?=bar\)': .*lookaround" "$(cat err)"
expect_status 2 ggrep 'a(' log
expect_match "a syntax error names the pattern" "^ggrep: pattern 'a\(': missing \)" "$(cat err)"
head -c 100000 /dev/zero | tr '\0' a > evil
echo b >> evil
expect_status 1 ggrep '(a+)+$' evil
expect_status 0 ggrep -c '(a+)+b$' evil
expect_status 1 timeout 60 ggrep -x '(a|aa)*c' evil
expect_status 0 timeout 60 ggrep -c -i -w '(a*)*b' evil
expect_eq "-c -i -w '(a*)*b'" "1" "$(cat out)"
expect_status 1 timeout 60 ggrep -E '(x+x+)+y' <(head -c 200000 /dev/zero | tr '\0' x)
expect_status 2 ggrep '((a{30}){30}){30}' evil
expect_eq "a repetition too large is refused with RE2's reason" \
  "ggrep: pattern '((a{30}){30}){30}': invalid repetition size: {30}" "$(cat err)"
expect_empty "... before anything is read" "$(cat out)"

# Colour: only when asked or on a terminal, with GNU grep's sequences.
expect_eq "--color=always highlights as grep does" "$(grep --color=always robots log | head -3)" \
  "$(ggrep --color=always robots log | head -3)"
expect_eq "--color=auto into a pipe adds nothing" "$(grep robots log | head -3)" "$(ggrep --color=auto robots log | head -3)"
expect_eq "-n --color=always as grep" "$(grep -n --color=always robots log log2 | head -2)" \
  "$(ggrep -n --color=always robots log log2 | head -2)"

# --field: records pass through byte for byte; other fields are not searched.
awk '{printf "{\"host\":\"%s\", \"request\":\"%s\",\"status\":%s}\n", $1, $7, $9}' log > records
expect_eq "--field keeps the records whose field matches" "$(grep -E '"request":"[^"]*ply-[^"]*\.gz"' records)" \
  "$(ggrep --field request 'ply-.*\.gz' records)"
expect_eq "--field matches numbers as written" "$(grep -c '"status":404}' records)" "$(ggrep -c --field status '^404$' records)"
expect_eq "--field -v" "$(grep -vc '"status":404}' records)" "$(ggrep -vc --field status '^404$' records)"
printf '{"request":"/a"}\n{"request":\n{"request":"/b"}\n' > broken
expect_status 2 ggrep --field request / broken
expect_eq "good records still come out" '{"request":"/a"} {"request":"/b"}' "$(tr '\n' ' ' < out | sed 's/ $//')"
expect_match "a line that is not a record is reported" "^ggrep: broken: not a JSON record, line 2: " "$(cat err)"

# Bad inputs: a missing file, a directory, binary junk, a huge line.
expect_status 2 ggrep robots nonexistent log
expect_eq "the readable file is still searched" "$(grep -c robots log)" "$(grep -c robots out)"
expect_eq "a missing file is named" "ggrep: nonexistent: No such file or directory" "$(cat err)"
expect_status 2 ggrep -s robots nonexistent
expect_empty "-s silences it" "$(cat err)"
mkdir adir
expect_status 2 ggrep robots adir
expect_eq "a directory is named" "ggrep: adir: Is a directory" "$(cat err)"
if ((EUID != 0)); then
  cp log secret && chmod 000 secret
  expect_status 2 ggrep robots secret
  expect_eq "an unreadable file is named" "ggrep: secret: Permission denied" "$(cat err)"
fi
{ head -c 3000 /dev/urandom; printf '\nply-x.gz \x00\xff\n'; head -c 3000 /dev/urandom; } > junk
expect_eq "binary junk passes through unchanged" "$(grep -a 'ply-.*\.gz' junk | md5sum)" "$(ggrep 'ply-.*\.gz' junk | md5sum)"
{ head -c 10000000 /dev/zero | tr '\0' x; echo ' needle'; echo other; } > huge
expect_eq "a 10 MB line is found whole" "10000008" "$(ggrep needle huge | wc -c)"

# A closed pipe ends ggrep quietly (status 0); a full disk is an error (status 2).
set -o pipefail
cat log log log log > big
ggrep . big 2>err | head -1 > /dev/null
expect_eq "ggrep | head -1 exits 0" "0" "$?"
expect_empty "ggrep | head -1 is silent" "$(cat err)"
set +o pipefail
if [[ -w /dev/full ]]; then
  ggrep . big > /dev/full 2>err
  expect_eq "a full disk gives status 2" "2" "$?"
  expect_eq "and names standard output" "ggrep: standard output: No space left on device" "$(cat err)"
fi
pass
