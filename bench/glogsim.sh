# glogsim: how fast the benchmark data itself is made (the foundation issue: 1 GB in a few
# seconds). The peer is the tutorial's approach, copying a log to grow it, which is cat.
compare "glogsim --size $BENCH_SIZE (make a log)" "$BENCH_LOG" \
  "gpipe glogsim" "glogsim --size $BENCH_SIZE --seed 1 --format common" \
  "cat (copy)" "cat '$BENCH_LOG'"
