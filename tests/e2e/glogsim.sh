# glogsim: deterministic, realistic, well-formed unless asked, fast enough for benchmarks.
source "$(dirname "$0")/lib.sh"

glogsim --lines 20000 --seed 7 > a
glogsim --lines 20000 --seed 7 > b
glogsim --lines 20000 --seed 8 > c
expect_files_eq "the same seed gives the same log" a b
CHECKS=$((CHECKS + 1)); cmp -s a c && fail "another seed gives another log"
expect_eq "--lines N writes N lines" "20000" "$(wc -l < a)"

# Every line is Combined Log Format, as the tutorial's regex (plus referer and agent) reads it.
clf='^([^ ]+) ([^ ]+) ([^ ]+) \[([^]]+)\] "([^ ]+) ([^ ]+) ([^ ]+)" ([0-9]+) ([0-9]+|-)'
expect_eq "every line is well formed" "0" "$(grep -Evc "$clf \"[^\"]*\" \"[^\"]*\"\$" a)"
expect_eq "common format has no referer or agent" "0" \
  "$(glogsim --format common --lines 5000 | grep -Evc "$clf\$")"

# A believable mix (the proportions of design.md and the foundation issue).
read -r total n404 n304dash robots big hosts < <(awk '
  { n++; if ($9 == 404) e++; if ($9 == 304 && $10 == "-") m++; if ($7 == "/robots.txt") r++;
    if ($10 != "-" && $10 > 1000000) b++; h[$1] = 1 }
  END { printf "%d %d %d %d %d %d\n", n, e, m, r, b, length(h) }' a)
expect_match "404s are 1-2% ($n404 of $total)" '^(1|2)$' "$(( (n404 * 100 + total / 2) / total ))"
CHECKS=$((CHECKS + 1)); ((n304dash > 0)) || fail "some 304s with - bytes"
CHECKS=$((CHECKS + 1)); ((robots > 0)) || fail "some robots.txt hits"
CHECKS=$((CHECKS + 1)); ((big > 0)) || fail "some multi-megabyte downloads"
CHECKS=$((CHECKS + 1)); ((hosts > 1000)) || fail "many hosts ($hosts)"
top=$(awk '{print $1}' a | sort | uniq -c | sort -rn | head -1 | awk '{print $1}')
CHECKS=$((CHECKS + 1)); ((top > 200)) || fail "a long tail: the busiest host makes many requests ($top)"
expect_match "some IPv6 clients" '^2001:db8:' "$(awk '{print $1}' a | grep -m1 ':')"

# Damaged lines only when asked.
glogsim --lines 10000 --malformed 0.1 > m
bad=$(grep -Evc "$clf" m)
CHECKS=$((CHECKS + 1)); ((bad > 300 && bad < 1500)) || fail "--malformed 0.1 damages about a tenth ($bad)"

# --size
glogsim --size 1M > s
size=$(stat -c %s s)
CHECKS=$((CHECKS + 1)); ((size >= 1048576 && size < 1048576 + 2000)) || fail "--size 1M writes about 1 MiB ($size)"
expect_eq "--size ends on a whole line" "" "$(tail -c1 s | tr -d '\n')"

# --tree: the tutorial's www/ layout, readable by the reference decompressors.
glogsim --tree www --lines 300
expect_eq "--tree lays out the tutorial's files" \
  "www/bar/access-log www/bar/access-log-0108.bz2 www/bar/access-log-0208.bz2 www/foo/access-log www/foo/access-log-0108.gz www/foo/access-log-0208.gz" \
  "$(find www -type f | sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq ".gz files are gzip" "300" "$(gzip -dc www/foo/access-log-0108.gz | wc -l)"
expect_eq ".bz2 files are bzip2" "300" "$(bzip2 -dc www/bar/access-log-0208.bz2 | wc -l)"
expect_match "older logs hold older months" '/Jan/2008:' "$(gzip -dc www/foo/access-log-0108.gz | head -1)"
expect_eq "mtimes follow the months (oldest first)" \
  "access-log-0108.gz access-log-0208.gz access-log" "$(ls -tr www/foo | tr '\n' ' ' | sed 's/ $//')"

# --rate appends in real time and rotates.
glogsim --rate 2000/s --lines 300 --rotate-every 100 --output live.log
expect_eq "--rate writes every line, across rotations" "300" "$(cat live.log.2 live.log.1 live.log | wc -l)"
expect_eq "rotation keeps 100 lines a file" "100 100 100" \
  "$(for f in live.log.2 live.log.1 live.log; do wc -l < $f; done | tr '\n' ' ' | sed 's/ $//')"

expect_status 2 glogsim --rate 10/s
expect_match "--rate needs --output" "^glogsim: --rate needs --output FILE$" "$(cat err)"
expect_status 2 glogsim --size 12Q
expect_match "a bad size is named" "^glogsim: size '12Q': " "$(cat err)"
pass
