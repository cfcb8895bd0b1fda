# gopen-cat: decompressing the benchmark log against each format's own tools (the issue's
# goals: gunzip at least 2x `gzip -dc`, bunzip2 at least as fast as `lbzip2 -dc` on the
# machine's cores, plain near `cat`), and --jobs 1 against 2 on a tree of compressed logs.
# The compressed copies are made once and cached beside the log.
_goc_cached() {  # _goc_cached FILE COMMAND: makes FILE with COMMAND unless it is there
  [[ -s $1 ]] && return 0
  echo "(making $(basename "$1") for the gopen-cat benchmark)" >&2
  bash -c "$2" >"$1.tmp" && mv "$1.tmp" "$1"
}
_goc_cached "$BENCH_LOG.gz" "gzip -6 -c '$BENCH_LOG'"
_goc_cached "$BENCH_LOG.bz2" "if command -v lbzip2 >/dev/null; then lbzip2 -9 -c '$BENCH_LOG'; else bzip2 -9 -c '$BENCH_LOG'; fi"
_goc_cached "$BENCH_LOG.xz" "xz -6 -T2 -c '$BENCH_LOG'"
_goc_cached "$BENCH_LOG.zst" "zstd -q -3 -c '$BENCH_LOG'"

compare "gopen-cat: gunzip the log" "$BENCH_LOG" \
  "gpipe gopen-cat" "gopen-cat '$BENCH_LOG.gz'" \
  "gzip -dc" "gzip -dc '$BENCH_LOG.gz'" \
  "pigz -dc" "pigz -dc '$BENCH_LOG.gz'"
compare "gopen-cat: bunzip2 the log" "$BENCH_LOG" \
  "gpipe gopen-cat" "gopen-cat '$BENCH_LOG.bz2'" \
  "bzip2 -dc" "bzip2 -dc '$BENCH_LOG.bz2'" \
  "lbzip2 -dc" "lbzip2 -dc -n $(nproc) '$BENCH_LOG.bz2'"
compare "gopen-cat: unxz the log" "$BENCH_LOG" \
  "gpipe gopen-cat" "gopen-cat '$BENCH_LOG.xz'" \
  "xz -dc" "xz -dc '$BENCH_LOG.xz'"
compare "gopen-cat: unzstd the log" "$BENCH_LOG" \
  "gpipe gopen-cat" "gopen-cat '$BENCH_LOG.zst'" \
  "zstd -dc" "zstd -dc '$BENCH_LOG.zst'"
compare "gopen-cat: plain log into a pipe" "$BENCH_LOG" \
  "gpipe gopen-cat" "gopen-cat '$BENCH_LOG' | cat" \
  "cat" "cat '$BENCH_LOG' | cat"

# Many files: the log cut in 8 gzip'd parts, as rotated logs are. 1 job against 2 (issue 9).
_goc_parts=$BENCH_DATA/gopen-cat-parts-$BENCH_SIZE
if [[ ! -s $_goc_parts/part-8.gz ]]; then
  echo "(making 8 gzip'd parts of the log for the gopen-cat --jobs benchmark)" >&2
  mkdir -p "$_goc_parts"
  split -n l/8 -d -a 1 "$BENCH_LOG" "$_goc_parts/raw-"
  for i in 0 1 2 3 4 5 6 7; do
    gzip -6 -c "$_goc_parts/raw-$i" >"$_goc_parts/part-$((i + 1)).gz" && rm "$_goc_parts/raw-$i"
  done
fi
compare "gopen-cat: 8 .gz files, --jobs 2 against 1" "$BENCH_LOG" \
  "gpipe gopen-cat --jobs 2" "ls '$_goc_parts'/part-*.gz | gopen-cat --jobs 2" \
  "gopen-cat --jobs 1" "ls '$_goc_parts'/part-*.gz | gopen-cat --jobs 1" \
  "zcat" "zcat '$_goc_parts'/part-*.gz"
