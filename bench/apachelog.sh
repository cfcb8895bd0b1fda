# apachelog: log lines into records. The peer is the tutorial's own parser (Part 4,
# apache_log() with field_map()), copied below: one regular expression per line, a dict
# per record, printed as JSON Lines with the same keys in the same order, so both sides must
# write the same bytes. The issue's goal: at least 1 GB/s of log in, on one core.
#
# Two changes to the tutorial's lines, neither making it slower: the slides' pattern ends in
# a space that would reject every Common line (they end with their byte count; the tutorial's
# own apachelog.py has no such space), and the second column is named ident, not referrer.
# The tutorial's regex reads only the Common fields, so on Combined logs apachelog is asked
# for those nine fields too (--fields); a last row times the full Combined records alone.
# The throughput column is the goal's figure: MB/s of log in, for Common (short lines: the
# per-line cost dominates) and for Combined. `cat` of each log gives the scale: the cost of
# just reading it.
cat >"$BENCH_TMP/apache_log.py" <<'EOF'
import json, re, sys

logpats = r'(\S+) (\S+) (\S+) \[(.*?)\] ' \
          r'"(\S+) (\S+) (\S+)" (\S+) (\S+)'
logpat = re.compile(logpats)

def field_map(dictseq, name, func):
    for d in dictseq:
        d[name] = func(d[name])
        yield d

def apache_log(lines):
    groups = (logpat.match(line) for line in lines)
    tuples = (g.groups() for g in groups if g)
    colnames = ('host', 'ident', 'user', 'datetime', 'method',
                'request', 'proto', 'status', 'bytes')
    log = (dict(zip(colnames, t)) for t in tuples)
    log = field_map(log, "bytes", lambda s: int(s) if s != '-' else 0)
    log = field_map(log, "status", int)
    return log

write = sys.stdout.write
for r in apache_log(sys.stdin):
    write(json.dumps(r, separators=(',', ':')) + '\n')
EOF
common_fields=host,ident,user,datetime,method,request,proto,status,bytes

compare "cat: Common log, for scale" "$BENCH_LOG" "cat" "cat '$BENCH_LOG'"
compare "cat: Combined log, for scale" "$BENCH_COMBINED" "cat" "cat '$BENCH_COMBINED'"

compare "apachelog: Common log into records" "$BENCH_LOG" \
  "gpipe apachelog" "apachelog '$BENCH_LOG'" \
  "python3 (tutorial's apache_log)" "python3 '$BENCH_TMP/apache_log.py' < '$BENCH_LOG'"

compare "apachelog: Combined log, the Common fields" "$BENCH_COMBINED" \
  "gpipe apachelog" "apachelog --fields $common_fields '$BENCH_COMBINED'" \
  "python3 (tutorial's apache_log)" "python3 '$BENCH_TMP/apache_log.py' < '$BENCH_COMBINED'"

compare "apachelog: Combined log, every field" "$BENCH_COMBINED" \
  "gpipe apachelog" "apachelog '$BENCH_COMBINED'"

compare "apachelog: Combined log, --time epoch --tsv" "$BENCH_COMBINED" \
  "gpipe apachelog" "apachelog --time epoch --tsv '$BENCH_COMBINED'"
