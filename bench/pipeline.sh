# Whole pipelines of the tutorial against the tutorial's own Python generators
# (tests/pipelines/tutorial.py holds them, as the slides write them).
TUTORIAL="python3 '$ROOT/tests/pipelines/tutorial.py'"

# largest.py: the largest document, from raw log lines to the answer.
compare "largest.py: apachelog | gquery (ORDER BY … LIMIT 1)" "$BENCH_LOG" \
  "gpipe apachelog | gquery" "apachelog '$BENCH_LOG' | gquery -t 'SELECT bytes, request ORDER BY bytes DESC, request DESC LIMIT 1'" \
  "python3 largest.py" "$TUTORIAL largest '$BENCH_LOG'"

# query404.py over the same log: the distinct 404 requests, sorted.
compare "query404.py: apachelog | gquery (DISTINCT … ORDER BY)" "$BENCH_LOG" \
  "gpipe apachelog | gquery" "apachelog '$BENCH_LOG' | gquery -t 'SELECT DISTINCT request WHERE status = 404 ORDER BY request'" \
  "python3 query404.py" "$TUTORIAL 404-set '$BENCH_LOG'"
