# Cookbook: records sent to another machine and received there (the tutorial's sendto and
# receivefrom), over loopback with socat and with nc.
source "$(dirname "$0")/lib.sh"
tutorial() { python3 "$GPIPE_SOURCE_DIR/tests/pipelines/tutorial.py" "$@"; }
command -v socat >/dev/null || skip "socat is not installed (scripts/install-deps --test)"
command -v nc >/dev/null || skip "nc is not installed (scripts/install-deps --test)"

# shown 'TEXT': the README's Cookbook shows TEXT (the tests below run it against loopback).
shown() {
  CHECKS=$((CHECKS + 1))
  cookbook | grep -F -e "$1" >/dev/null || fail "the README's Cookbook does not show: $1"
}
# listening PORT: something listens on PORT (read from /proc: connecting would use up socat's
# single connection).
listening() { grep -q ":$(printf %04X "$1") 00000000:0000 0A" /proc/net/tcp; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

receiver='socat -u TCP-LISTEN:7000,reuseaddr - | gquery -t "SELECT count(*) WHERE status = 404"'
sender='apachelog access-log | socat -u - TCP:loghost:7000'
shown "$receiver"
shown "$sender"
port=$(free_port)
bash -o pipefail -c "${receiver//7000/$port}" >got 2>got.err &
receiver_pid=$!
wait_for "listening $port" || fail "the socat receiver never listened"
bash -o pipefail -c "$(sed "s/loghost:7000/127.0.0.1:$port/" <<<"$sender")"
expect_eq "the sender exits 0" 0 $?
wait "$receiver_pid"
expect_eq "the receiver exits 0" 0 $?
expect_eq "socat: the receiver counts the sender's 404s" "$(tutorial 404-count access-log)" "$(cat got)"
expect_empty "socat: nothing on stderr" "$(cat got.err)"

# The same with nc (OpenBSD netcat): -N closes the connection when the input ends.
port=$(free_port)
nc -d -l 127.0.0.1 "$port" | gquery -t "SELECT count(*) WHERE status = 404" >got &
receiver_pid=$!
wait_for "listening $port" || fail "the nc receiver never listened"
apachelog access-log | nc -N 127.0.0.1 "$port"
wait "$receiver_pid"
expect_eq "nc: the receiver counts the sender's 404s" "$(tutorial 404-count access-log)" "$(cat got)"
pass
