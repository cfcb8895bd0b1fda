# Cookbook, part 4: lines to tuples and records, field conversion, and the tutorial's queries.
source "$(dirname "$0")/lib.sh"
tutorial() { python3 "$GPIPE_SOURCE_DIR/tests/pipelines/tutorial.py" "$@"; }

recipe "apachelog --format common --tsv access-log | head -3"
expect_eq "lines to tuples" "$(tutorial tsv access-log | head -3)" "$(cat got)"

recipe "apachelog access-log | head -2"
# Compared as parsed JSON: the same fields and values, whatever the spacing.
same_records=$(python3 -c '
import json, sys
want = [json.loads(l) for l in open(sys.argv[1])]
got = [json.loads(l) for l in open(sys.argv[2])]
print("same" if want == got else f"differ: {want} {got}")' <(tutorial records access-log | head -2) got)
expect_eq "lines to records, with field_map's conversions" "same" "$same_records"

recipe "ggrep -m1 '\" 304 -\$' access-log | apachelog --fields request,status,bytes"
expect_match "a 304's '-' bytes become 0" '"status": ?304, ?"bytes": ?0\}$' "$(cat got)"

recipe "gfind 'access-log*' www | gopen-cat | apachelog | gquery -t \"SELECT count(*), sum(bytes)\""
expect_eq "lines_from_dir + apache_log" "$(tutorial count-sum-dir www)" "$(cat got)"

recipe "gfind 'access-log*' www | gopen-cat | apachelog | gquery -t \"SELECT DISTINCT request WHERE status = 404 ORDER BY request\" | head -5"
expect_eq "query404.py" "$(tutorial 404-dir www | head -5)" "$(cat got)"

recipe "apachelog access-log | gquery -t \"SELECT request, bytes WHERE bytes > 1000000\" | head -3"
expect_eq "largefiles.py" "$(tutorial large access-log | head -3)" "$(cat got)"

recipe "apachelog access-log | gquery -t \"SELECT bytes, request ORDER BY bytes DESC, request DESC LIMIT 1\""
expect_eq "largest.py" "$(tutorial largest access-log)" "$(cat got)"

recipe "apachelog access-log | gquery -t \"SELECT DISTINCT host\" | head -3"
expect_eq "hosts.py, first seen first" "$(tutorial hosts access-log | head -3)" "$(cat got)"

recipe "apachelog access-log | gquery -t \"SELECT count(DISTINCT host)\""
expect_eq "hosts.py, how many" "$(tutorial count-hosts access-log)" "$(cat got)"

recipe "apachelog access-log | gquery -t \"SELECT count(*) WHERE request = '/ply/ply-2.3.tar.gz'\""
expect_eq "downloads.py" "$(tutorial downloads access-log /ply/ply-2.3.tar.gz)" "$(cat got)"

recipe "apachelog access-log | gquery -t \"SELECT DISTINCT host WHERE request LIKE '%robots.txt%' ORDER BY host\" | head -3 | while read -r ip; do getent hosts \"\$ip\" || echo \"\$ip\"; done"
want=$(tutorial robots access-log | head -3 | while read -r ip; do getent hosts "$ip" || echo "$ip"; done)
expect_eq "robots.py" "$want" "$(cat got)"

recipe "{ apachelog access-log | tee >(gquery -t \"SELECT count(*) WHERE status = 404\" > 404-count) | gsum -f bytes > total; } 3>&1 | cat; cat 404-count total"
expect_eq "broadcast to two consumers" "$(tutorial 404-count access-log; tutorial bytes access-log)" "$(cat got)"
pass
