# Cookbook: routing a followed log's lines to different consumers by their first word (the
# ACCEPT/DROP router of the coroutines tutorial).
source "$(dirname "$0")/lib.sh"
python3 -c '
import random
random.seed(3)
for i in range(1000):
    verdict = random.choice(["ACCEPT", "ACCEPT", "DROP", "REJECT"])
    print(f"{verdict} 10.0.{i % 256}.{i // 256} {random.randint(1, 65535)} tcp")' >rules

: >firewall.log
live_recipe "gtail firewall.log | tee >(ggrep '^ACCEPT' > accepted.log) >(ggrep '^DROP' > dropped.log) > /dev/null"
wait_for "echo 'ACCEPT ready' >>firewall.log; echo 'DROP ready' >>firewall.log; sleep 0.2; grep -qs ready accepted.log && grep -qs ready dropped.log" ||
  fail "the router never passed the marker lines"
cat rules >>firewall.log
want_accept=$(grep -c '^ACCEPT' rules)
want_drop=$(grep -c '^DROP' rules)
wait_for "[[ \$(grep -vc ready accepted.log) -ge $want_accept && \$(grep -vc ready dropped.log) -ge $want_drop ]]" ||
  fail "not every line reached its consumer"
pkill -TERM -P "$LIVE_PID" -x gtail
wait "$LIVE_PID"
expect_eq "the router ends with status 0 on gtail's SIGTERM" 0 $?
expect_files_eq "ACCEPT lines, in order" <(awk '$1 == "ACCEPT"' rules) <(grep -v ready accepted.log)
expect_files_eq "DROP lines, in order" <(awk '$1 == "DROP"' rules) <(grep -v ready dropped.log)
pass
