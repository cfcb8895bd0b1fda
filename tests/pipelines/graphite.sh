# Cookbook: live per-interval byte totals sent to Graphite, against a real carbon-cache on
# loopback (Debian's graphite-carbon), read back with whisper-fetch.
source "$(dirname "$0")/lib.sh"
[[ -x /usr/bin/carbon-cache ]] || skip "graphite-carbon is not installed (scripts/install-deps --test)"
command -v whisper-fetch >/dev/null || skip "python3-whisper is not installed (scripts/install-deps --test)"
command -v nc >/dev/null || skip "nc is not installed (scripts/install-deps --test)"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
listening() { grep -q ":$(printf %04X "$1") 00000000:0000 0A" /proc/net/tcp; }

# A carbon-cache of our own: every path under $WORK/carbon, loopback only, 10-second points.
port=$(free_port)
mkdir -p carbon/conf carbon/whisper carbon/log carbon/run
cat >carbon/conf/carbon.conf <<CONF
[cache]
STORAGE_DIR = $WORK/carbon
LOCAL_DATA_DIR = $WORK/carbon/whisper
WHITELISTS_DIR = $WORK/carbon/lists
CONF_DIR = $WORK/carbon/conf
LOG_DIR = $WORK/carbon/log
PID_DIR = $WORK/carbon/run
ENABLE_LOGROTATION = False
USER =
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = $port
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = $(free_port)
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = $(free_port)
CONF
printf '[all]\npattern = .*\nretentions = 10s:1d\n' >carbon/conf/storage-schemas.conf
carbon-cache --config="$WORK/carbon/conf/carbon.conf" --pidfile="$WORK/carbon/run/carbon.pid" start >carbon/start.log 2>&1 ||
  { cat carbon/start.log >&2; fail "carbon-cache did not start"; pass; }
trap 'kill "$(cat "$WORK/carbon/run/carbon.pid")" 2>/dev/null; chmod -R u+rwx "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
wait_for "listening $port" 30 || fail "carbon-cache never listened on $port"

# The recipe, pointed at our carbon, with 1-second updates so the test takes seconds.
pipeline=$(cookbook | sed -n '/^gtail .*apachelog --time epoch/,/| nc /p' | sed 's/ *\\$//' | tr -d '\n')
CHECKS=$((CHECKS + 1))
[[ $pipeline == *"gquery -t --interval 10"*"| nc graphite 2003" ]] || fail "the README's Graphite recipe is not where expected: '$pipeline'"
pipeline=${pipeline//\/var\/log\/apache2\/access.log/live.log}
pipeline=${pipeline//--interval 10/--interval 1}
pipeline=${pipeline//nc graphite 2003/nc -N 127.0.0.1 $port}

glogsim --rate 40/s --lines 800 --format common --seed 5 --output live.log &
sim_pid=$!
bash -o pipefail -c "$pipeline" 2>got.err &
pipeline_pid=$!
wait "$sim_pid"                              # 20 seconds of log
wait_for "[[ -s live.log ]]"
sleep 2                                      # at least one more interval after the last line
pkill -TERM -P "$pipeline_pid" -x gtail
wait_for "! kill -0 $pipeline_pid 2>/dev/null" 20 || fail "the pipeline did not end after gtail's SIGTERM"
expect_empty "the pipeline writes nothing on stderr but gtail's wait for the log" "$(grep -v "waiting for it to appear" got.err)"

# Independently: the log's bytes summed per 10-second bucket of its own time.
python3 - live.log >want <<'PY'
import sys, datetime, collections
totals = collections.Counter()
for line in open(sys.argv[1]):
    stamp = line.split("[", 1)[1].split("]", 1)[0]
    t = int(datetime.datetime.strptime(stamp, "%d/%b/%Y:%H:%M:%S %z").timestamp())
    b = line.rsplit(None, 1)[1]
    totals[t - t % 10] += int(b) if b != "-" else 0
for t in sorted(totals):
    print(t, f"{totals[t]:.6f}")
PY
# gtail started at the end of live.log, possibly after its first lines: compare every bucket
# carbon holds but its first, and require every later bucket of the log to be there.
compare_carbon() {
  [[ -f carbon/whisper/web/bytes.wsp ]] || { echo "carbon holds no web.bytes series"; return; }
  whisper-fetch --from=$(($(head -1 want | cut -d' ' -f1) - 60)) carbon/whisper/web/bytes.wsp 2>/dev/null |
    python3 -c '
import sys
want = dict(line.split() for line in open("want"))
held = dict(line.split() for line in sys.stdin if "None" not in line)
if len(held) < 2:
    sys.exit(print(f"carbon holds {len(held)} buckets"))
first = min(held, key=int)
expected = {t: v for t, v in want.items() if int(t) > int(first)}
del held[first]
print("same" if held == expected else f"carbon {sorted(held.items())} log {sorted(expected.items())}")'
}
wait_for '[[ $(compare_carbon) == same ]]' 30
expect_eq "carbon holds each 10-second bucket's byte total" same "$(compare_carbon)"
pass
