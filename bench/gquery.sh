# gquery against jq and Miller on the same JSON Lines records, and 1 process against 2 jobs
# (GNU parallel with --partial / --merge).
#
# The records are what apachelog makes of the combined log: converted here by a small
# Python script (so the bench stands alone), from the first 130 MB of the log (about 260 MB of
# records, the size), and cached beside the logs.
GQUERY_RECORDS=$BENCH_DATA/records-$BENCH_SIZE.jsonl
if [[ ! -s $GQUERY_RECORDS ]]; then
  head -c 130000000 "$BENCH_COMBINED" | python3 -c '
import json, re, sys
pat = re.compile(r"(\S+) (\S+) (\S+) \[(.*?)\] \"(\S+) (\S+) (\S+)\" (\d+) (\S+) \"(.*?)\" \"(.*?)\"$")
out = sys.stdout
for line in sys.stdin:
    m = pat.match(line.rstrip("\n"))
    if not m:
        continue
    h, i, u, dt, meth, req, proto, st, by, ref, ag = m.groups()
    out.write(json.dumps(dict(host=h, ident=i, user=u, datetime=dt, method=meth, request=req,
        proto=proto, status=int(st), bytes=0 if by == "-" else int(by), referer=ref, agent=ag),
        separators=(",", ":")) + "\n")' >"$GQUERY_RECORDS.tmp" && mv "$GQUERY_RECORDS.tmp" "$GQUERY_RECORDS"
fi
R=$GQUERY_RECORDS

compare "gquery: filter and project (largefiles.py)" "$R" \
  "gpipe gquery" "gquery -t 'SELECT request, bytes WHERE bytes > 1000000' '$R'" \
  "jq" "jq -r 'select(.bytes > 1000000) | \"\(.request) \(.bytes)\"' '$R'" \
  "mlr" "mlr --ijsonl --onidx --ofs ' ' filter '\$bytes > 1000000' then cut -o -f request,bytes '$R'"

compare "gquery: 404s as JSON records" "$R" \
  "gpipe gquery" "gquery 'status = 404' '$R'" \
  "jq" "jq -c 'select(.status == 404)' '$R'"

compare "gquery: count by status" "$R" \
  "gpipe gquery" "gquery -t 'SELECT status, count(*) GROUP BY status ORDER BY status' '$R'" \
  "jq" "jq -rn 'reduce inputs as \$r ({}; .[\$r.status|tostring] += 1) | to_entries | sort_by(.key|tonumber)[] | \"\(.key) \(.value)\"' '$R'" \
  "mlr" "mlr --ijsonl --onidx --ofs ' ' count -g status then sort -nf status '$R'"

compare "gquery: total bytes" "$R" \
  "gpipe gquery" "gquery -t 'SELECT sum(bytes)' '$R'" \
  "jq" "jq -n 'reduce inputs.bytes as \$b (0; .+\$b)' '$R'" \
  "mlr" "mlr --ijsonl --onidx stats1 -a sum -f bytes '$R'"

compare "gquery: robots.py (DISTINCT host WHERE LIKE)" "$R" \
  "gpipe gquery" "gquery -t \"SELECT DISTINCT host WHERE request LIKE '%robots.txt%'\" '$R'" \
  "jq" "jq -r 'select(.request | contains(\"robots.txt\")) | .host' '$R' | awk '!s[\$0]++'"

# Issue 9: the same query on 2 jobs through --partial / --merge against 1 process.
GQUERY_PARTS=$BENCH_DATA/records-$BENCH_SIZE.parts
if [[ ! -s $GQUERY_PARTS/part.ab ]]; then
  mkdir -p "$GQUERY_PARTS" && (cd "$GQUERY_PARTS" && split -n l/2 "$R" part.)
fi
Q="SELECT host, count(*) AS n, sum(bytes) GROUP BY host ORDER BY n DESC, host LIMIT 20"
if ! command -v parallel >/dev/null; then
  echo "| gquery: 2 jobs | GNU parallel: not installed | | |" >>"$BENCH_TMP/missing"
else
compare "gquery: top hosts, 2 jobs (parallel, --partial then --merge)" "$R" \
  "gpipe gquery 2 jobs" "parallel -k -j 2 gquery --partial \"'$Q'\" ::: '$GQUERY_PARTS'/part.* | gquery --merge -t '$Q'" \
  "gquery 1 process" "gquery -t '$Q' '$GQUERY_PARTS'/part.*"
fi
