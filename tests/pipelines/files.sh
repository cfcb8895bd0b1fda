# Cookbook, parts 2 and 3: bytes transferred, and find / open / cat / grep over www/.
source "$(dirname "$0")/lib.sh"
tutorial() { python3 "$GPIPE_SOURCE_DIR/tests/pipelines/tutorial.py" "$@"; }

recipe "gsum access-log"
expect_eq "nongenlog.py: bytes transferred" "$(tutorial bytes access-log)" "$(cat got)"

recipe "apachelog access-log | gsum -f bytes"
expect_eq "genlog.py as records: bytes transferred" "$(tutorial bytes access-log)" "$(cat got)"

recipe "gfind 'access-log*' www"
expect_eq "gen_find: the logs under www" "$(tutorial find 'access-log*' www)" "$(cat got)"

recipe "gfind 'access-log*' www | gopen-cat | wc -l"
expect_eq "gen_open + gen_cat: every line of every log" "$(tutorial count-lines www)" "$(tr -d ' ' <got)"

recipe "gfind 'access-log*' www | gopen-cat | ggrep robots.txt | head -3"
expect_eq "gen_grep: lines that match" "$(tutorial grep robots.txt www | head -3)" "$(cat got)"

recipe "gfind 'access-log*' www | gopen-cat | ggrep 'ply-.*\.gz' | gsum"
expect_eq "bytes for a pattern across a directory" "$(tutorial bytes-grep 'ply-.*\.gz' www)" "$(cat got)"
pass
