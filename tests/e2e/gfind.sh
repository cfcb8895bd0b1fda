# gfind end to end: trees built here, compared with find where the two must agree, and
# the hostile cases (unreadable directories, symlink loops, entries vanishing mid-walk,
# closed pipes, full disks, bad arguments).
source "$(dirname "$0")/lib.sh"

# The tutorial's www/ tree.
glogsim --tree www --lines 20

# --- names, order, paths -------------------------------------------------------------
expect_eq "gfind 'access-log*' www finds what find finds" \
  "$(find www -name 'access-log*' | LC_ALL=C sort)" "$(gfind 'access-log*' www | LC_ALL=C sort)"
expect_eq "each directory sorted by name, depth first" \
  "www/bar/access-log
www/bar/access-log-0108.bz2
www/bar/access-log-0208.bz2
www/foo/access-log
www/foo/access-log-0108.gz
www/foo/access-log-0208.gz" "$(gfind 'access-log*' www)"
expect_eq "the default pattern is * and the default DIR is ." \
  "$(cd www && find . -mindepth 1 | LC_ALL=C sort)" "$(cd www && gfind | LC_ALL=C sort)"
expect_eq "a trailing slash is not doubled" "www/foo/access-log" "$(gfind access-log www/ | tail -1)"
expect_eq "the root directory itself is not listed" "www/bar
www/foo" "$(gfind --type d '*' www)"

mkdir -p order/a order/a-b
touch order/a/x order/a-b/y order/a.c order/B
expect_eq "depth first: a directory's contents come right after it" \
  "order/B
order/a
order/a/x
order/a-b
order/a-b/y
order/a.c" "$(gfind '*' order)"
expect_eq "the order is the same every time" "$(gfind '*' /usr/include 2>&1 | head -2000)" \
  "$(gfind '*' /usr/include 2>&1 | head -2000)"

mkdir -p hidden/.git/objects
touch hidden/.env hidden/.git/objects/abc hidden/visible
expect_eq "hidden files are listed, and * matches them" \
  "hidden/.env
hidden/.git
hidden/.git/objects
hidden/.git/objects/abc
hidden/visible" "$(gfind '*' hidden)"
expect_eq "--exclude prunes a directory" "hidden/.env
hidden/visible" "$(gfind --exclude .git '*' hidden)"
expect_eq "--exclude is repeatable" "hidden/visible" "$(gfind -E .git --exclude '.e*' '*' hidden)"

mkdir -p globs
touch globs/a1 globs/b2 globs/c3 'globs/[x]' 'globs/star*' globs/é
expect_eq "? and [] and [!]" "globs/a1
globs/b2" "$(gfind '[ab]?' globs)"
expect_eq "[!ab]? " "globs/c3" "$(gfind '[!ab[]?' globs)"
expect_eq "[*] is a literal star" "globs/star*" "$(gfind 'star[*]' globs)"
expect_eq "[[] is a literal bracket" "globs/[x]" "$(gfind '[[]x]' globs)"
expect_eq "? is one character, even a multibyte one" "globs/é" "$(gfind '?' globs)"

# The tutorial's pipeline: gen_find then gen_open/gen_cat gives exactly the sources' lines.
if command -v gopen-cat >/dev/null; then
  for f in $(gfind 'access-log*' www); do
    case $f in
      *.gz) gzip -dc "$f" ;;
      *.bz2) bzip2 -dc "$f" ;;
      *) cat "$f" ;;
    esac
  done >expected
  gfind 'access-log*' www | gopen-cat >out 2>err
  expect_files_eq "gfind 'access-log*' www | gopen-cat gives exactly the lines of the sources" expected out
  expect_empty "gfind | gopen-cat: nothing on stderr" "$(cat err)"
  gfind -0 'access-log*' www | gopen-cat -0 >out
  expect_files_eq "gfind -0 | gopen-cat -0" expected out
fi

# --- full path, regex --------------------------------------------------------------
mkdir -p www/foo/old
touch www/foo/old/access-log-2007.gz
expect_eq "--full-path with ** crosses directories" \
  "www/foo/access-log-0108.gz
www/foo/access-log-0208.gz
www/foo/old/access-log-2007.gz" "$(gfind --full-path 'www/foo/**/*.gz' www)"
expect_eq "--full-path: * stays in one directory" \
  "www/foo/access-log-0108.gz
www/foo/access-log-0208.gz" "$(gfind -p 'www/*/*.gz' www)"
expect_eq "a pattern with / matches below DIR, like rglob" \
  "www/foo/old/access-log-2007.gz" "$(gfind 'old/*.gz' www)"
expect_eq "--regex searches the name (RE2)" \
  "www/bar/access-log-0108.bz2
www/bar/access-log-0208.bz2" "$(gfind --regex '\.bz2$' www)"
expect_eq "--regex --full-path" "www/foo/old/access-log-2007.gz" "$(gfind --regex -p 'o/old/.*20\d\d' www)"
expect_eq "--regex with a / is searched below DIR" "www/foo/old/access-log-2007.gz" "$(gfind --regex '^foo/old/' www)"
expect_status 2 gfind /var/log
expect_match "a directory in the pattern's place is an error, with a hint" \
  "^gfind: pattern '/var/log': starts with '/'.*gfind '\\*' /var/log" "$(cat err)"
expect_status 2 gfind --regex 'access(' www
expect_match "a bad regex is a usage error naming it" "^gfind: regular expression 'access\(': missing \)" "$(cat err)"

# --- filters --------------------------------------------------------------------------
mkdir -p depth/a/b/c
touch depth/a/b/c/d
expect_eq "--max-depth 2" "depth/a
depth/a/b" "$(gfind --max-depth 2 '*' depth)"
expect_eq "--min-depth 3 agrees with find" "$(find depth -mindepth 3)" "$(gfind --min-depth 3 '*' depth)"
expect_eq "--type f" "depth/a/b/c/d" "$(gfind --type f '*' depth)"
expect_eq "--type d,f" "$(find depth -mindepth 1)" "$(gfind --type d,f '*' depth)"

mkdir sizes
head -c 100 /dev/zero >sizes/small
head -c 2048 /dev/zero >sizes/mid
head -c 20000 /dev/zero >sizes/big
expect_eq "--size +2k (at least)" "sizes/big
sizes/mid" "$(gfind --size +2k '*' sizes)"
expect_eq "--size -2k (at most)" "sizes/mid
sizes/small" "$(gfind --size -2k '*' sizes)"
expect_eq "--size exact" "sizes/small" "$(gfind --size 100 '*' sizes)"
expect_eq "--size twice is a range" "sizes/mid" "$(gfind -S +1k -S -10k '*' sizes)"
expect_status 2 gfind --size +lots '*' sizes
expect_match "a bad size names it" "^gfind: size 'lots'" "$(cat err)"

mkdir times
touch -d '2020-01-01 00:00:00' times/old
touch -d '2021-01-01 00:00:00' times/stamp
touch times/new
expect_eq "--newer FILE" "times/new" "$(gfind --newer times/stamp '*' times)"
expect_eq "--changed-within" "times/new" "$(gfind --changed-within 1h '*' times)"
expect_eq "--changed-within 10000d" "$(printf 'times/new\ntimes/old\ntimes/stamp')" "$(gfind --changed-within 10000d '*' times)"
expect_status 2 gfind --newer times/nope '*' times
expect_match "--newer with a missing file" "^gfind: times/nope: No such file or directory$" "$(cat err)"
expect_status 2 gfind --changed-within soon '*' times

# Rotated logs in the order they were written.
mkdir rot
for f in x.3.gz x.2.gz x.1 x; do touch rot/$f; sleep 0.01; done
touch -d '2020-01-01' rot/x.3.gz
touch -d '2020-01-02' rot/x.2.gz
touch -d '2020-01-03' rot/x.1
expect_eq "--sort mtime: oldest first" "rot/x.3.gz
rot/x.2.gz
rot/x.1
rot/x" "$(gfind --sort mtime 'x*' rot)"
expect_eq "--sort none lists the same entries" "$(gfind '*' www | sort)" "$(gfind --sort none '*' www | sort)"

# --- output formats -----------------------------------------------------------------
touch 'globs/new
line'
expect_eq "-0 for names with newlines" "globs/new
line" "$(gfind -0 'new*' globs | xargs -0 printf '%s')"
expect_eq "--print0 ends each name with NUL" "3" "$(gfind --print0 '[abc]?' globs | tr -cd '\0' | wc -c | tr -d ' ')"
gfind --json '*' sizes times >records
expect_eq "--json: one record per entry" "6" "$(wc -l <records | tr -d ' ')"
expect_eq "--json fields" '{"path":"times/old","type":"file","size":0,"mtime":"2020-01-01T00:00:00Z"}' \
  "$(TZ=UTC grep '"times/old"' records)"
expect_eq "--json is valid JSON" "6" "$(jq -c . records | wc -l | tr -d ' ')"
printf 'x' >$'globs/bad\xff'
expect_eq "--json stays valid with non-UTF-8 names (U+FFFD)" $'globs/bad\xef\xbf\xbd' "$(gfind --json 'bad*' globs | jq -r .path)"
mkdir ctl
for n in 'a\x01b' 'tab\there' 'nl\nx' 'esc\x1b[31m' 'q"\\' '\xc3\x28' '\xed\xa0\x80' '\x7f'; do
  touch "ctl/$(printf "$n")"
done
expect_eq "--json: control characters, quotes and invalid UTF-8 in names give valid JSON" \
  "['ctl/a\\x01b', 'ctl/esc\\x1b[31m', 'ctl/nl\\nx', 'ctl/q\"\\\\', 'ctl/tab\\there', 'ctl/\\x7f', 'ctl/\\ufffd(', 'ctl/\\ufffd']" \
  "$(gfind --json '*' ctl | python3 -c 'import json, sys; print(ascii([json.loads(l)["path"] for l in sys.stdin]))')"
expect_status 0 timeout 60 gfind --regex '^(a|a?)+$' ctl
expect_empty "--regex '^(a|a?)+$': no name matches, and the walk ends" "$(cat out)"
expect_status 2 gfind --regex '((a{30}){30}){30}' ctl
expect_match "--regex: a repetition too large for RE2 is refused" "^gfind: regular expression '.*': invalid repetition size" "$(cat err)"
expect_eq "--json and -0 do not mix" "2" "$(gfind --json -0 >/dev/null 2>&1; echo $?)"

# --- symbolic links ---------------------------------------------------------------------
mkdir -p links/real/sub
touch links/real/sub/f
ln -s real links/link
ln -s nowhere links/broken
ln -s .. links/real/sub/up
expect_eq "without -L links are listed, not followed" \
  "links/broken l
links/link l
links/real d
links/real/sub d
links/real/sub/f f
links/real/sub/up l" "$(gfind --json '*' links | jq -r '"\(.path) \(.type[0:1])"' | sed 's/ s$/ l/')"
expect_status 0 gfind -t l '*' links
expect_eq "--type l" "links/broken
links/link
links/real/sub/up" "$(cat out)"
expect_status 1 gfind -L '*' links
expect_eq "-L follows links and lists a loop once, without entering it" \
  "links/broken
links/link
links/link/sub
links/link/sub/f
links/link/sub/up
links/real
links/real/sub
links/real/sub/f
links/real/sub/up" "$(cat out)"
expect_eq "-L reports the loop once, by its link" \
  "gfind: links/link/sub/up: symlink loop: leads back to links/link, not entered" "$(cat err)"
expect_eq "-L: a broken link is type l, not an error" "links/broken" "$(gfind -L -t l '*' links 2>/dev/null)"
ln -s self links/real/self
expect_eq "-L: a link to itself is a broken link" "links/real/self" "$(gfind -L -t l 'self' links/real 2>/dev/null)"
rm links/real/self
# Loops of every shape under -L, never endless: two directories linking to each other, a
# link to its own directory, and two links pointing at each other (a loop that never reaches
# a directory: like a link to itself, a broken link, not an error).
mkdir -p loops/d1 loops/d2
touch loops/d1/f loops/d2/g
ln -s ../d2 loops/d1/to2
ln -s ../d1 loops/d2/to1
ln -s . loops/dot
ln -s ping loops/pong
ln -s pong loops/ping
expect_status 1 timeout 60 gfind -L '*' loops
expect_eq "-L through a cycle of two directories: each entered once from each side" \
  "loops/d1
loops/d1/f
loops/d1/to2
loops/d1/to2/g
loops/d1/to2/to1
loops/d2
loops/d2/g
loops/d2/to1
loops/d2/to1/f
loops/d2/to1/to2
loops/dot
loops/ping
loops/pong" "$(cat out)"
expect_eq "-L: each looping link reported once" \
  "gfind: loops/d1/to2/to1: symlink loop: leads back to loops/d1, not entered
gfind: loops/d2/to1/to2: symlink loop: leads back to loops/d2, not entered
gfind: loops/dot: symlink loop: leads back to loops, not entered" "$(cat err)"
expect_status 0 gfind -L -t l '*' loops/ping
expect_eq "-L: a root that is a loop of links is a broken link" "loops/ping" "$(cat out)"
expect_status 0 gfind '*' loops
expect_eq "without -L no loop is entered, nothing reported" "9" "$(wc -l <out)"
expect_eq "a root that is a link is followed" "links/link/sub" "$(gfind sub links/link)"

# --- problems ---------------------------------------------------------------------------
expect_status 1 gfind 'access-log' nosuch www
expect_eq "a missing DIR is reported and the others walked" "www/bar/access-log
www/foo/access-log" "$(cat out)"
expect_eq "a missing DIR: one line naming it" "gfind: nosuch: No such file or directory" "$(cat err)"
expect_eq "a file as DIR is tested like find does" "www/foo/access-log" "$(gfind 'access-log' www/foo/access-log)"

# chmod 000 does not stop root: as root, the check runs as nobody (through setpriv, with a
# copy of gfind that nobody can reach), or is skipped.
unprivileged=()
if [[ $(id -u) == 0 ]]; then
  if command -v setpriv >/dev/null && cp "$(command -v gfind)" gfind-copy; then
    chmod 755 "$WORK" gfind-copy
    unprivileged=(setpriv --reuid=65534 --regid=65534 --clear-groups ./gfind-copy)
  fi
else
  unprivileged=(gfind)
fi
if ((${#unprivileged[@]})); then
  mkdir -p locked/secret ok
  touch locked/secret/x ok/y
  chmod -R a+rX locked ok
  chmod 000 locked/secret
  expect_status 1 "${unprivileged[@]}" '*' locked ok
  expect_eq "an unreadable directory is listed and skipped, the walk goes on" "locked/secret
ok/y" "$(cat out)"
  expect_eq "an unreadable directory is reported" "gfind: locked/secret: Permission denied" "$(cat err)"
  expect_status 1 "${unprivileged[@]}" --sort mtime --json '*' locked ok
  expect_eq "unreadable, with --sort mtime --json" "2" "$(wc -l <out | tr -d ' ')"
  chmod 755 locked/secret
  # Half-open directories: readable but not searchable (r--: the names are there, but nothing
  # under them can be stat'ed or entered), searchable but not readable (--x), and closed roots.
  mkdir -p half/sub blind/sub shut
  touch half/f half/sub/g blind/f
  chmod 644 half && chmod 311 blind && chmod 000 shut
  expect_status 1 "${unprivileged[@]}" '*' half blind shut ok
  expect_eq "r-- directory: its names are listed, nothing below; --x and 000 roots: nothing" \
    "half/f
half/sub
ok/y" "$(cat out)"
  expect_eq "each closed door reported once, in walk order" "gfind: half/sub: Permission denied
gfind: blind: Permission denied
gfind: shut: Permission denied" "$(cat err)"
  expect_status 1 "${unprivileged[@]}" --json '*' half ok
  expect_eq "r-- directory with --json: names that cannot be stat'ed are reported, not guessed" \
    '{"path":"ok/y","type":"file"' "$(cut -d, -f1-2 out)"
  expect_eq "... once each (not again when it cannot be entered)" "gfind: half/f: Permission denied
gfind: half/sub: Permission denied" "$(cat err)"
  expect_status 1 "${unprivileged[@]}" -L --sort mtime '*' half ok
  expect_eq "r-- directory with -L --sort mtime" "ok/y" "$(cat out)"
  chmod 755 half blind shut
fi

# Entries vanishing mid-walk: a churner creates and removes files and directories while
# gfind walks (with --json, so every entry is also stat'ed). Every run must end with 0 or
# 1, and every message must be about something that vanished.
mkdir churn
for i in $(seq 1 30); do mkdir -p churn/d$i/e; touch churn/d$i/e/f churn/d$i/g; done
(
  end=$((SECONDS + 5))
  while ((SECONDS < end)) && [[ -d churn ]]; do
    for i in $(seq 1 30); do rm -rf churn/d$i; mkdir -p churn/d$i/e 2>/dev/null; touch churn/d$i/e/f churn/d$i/g 2>/dev/null; done
  done
) &
churner=$!
bad_runs=0
for run in $(seq 1 30); do
  gfind --json '*' churn >/dev/null 2>churn.err
  status=$?
  if [[ $status != 0 && $status != 1 ]] || grep -qv ': No such file or directory$' churn.err; then
    bad_runs=$((bad_runs + 1))
    sed 's/^/    /' churn.err | head -3 >&2
  fi
done
kill "$churner" 2>/dev/null
wait "$churner" 2>/dev/null
expect_eq "vanishing entries: only 'No such file' reports, exit 0 or 1" "0" "$bad_runs"

# --- conventions ------------------------------------------------------------------------
set -o pipefail
gfind '*' /usr 2>err | head -1 >/dev/null
expect_eq "gfind | head -1 exits 0" "0" "$?"
expect_empty "gfind | head -1 is silent" "$(cat err)"
set +o pipefail
if [[ -w /dev/full ]]; then
  gfind '*' www >/dev/full 2>err
  expect_eq "a full disk gives status 2" "2" "$?"
  expect_eq "a full disk is named" "gfind: standard output: No space left on device" "$(cat err)"
fi
expect_status 2 gfind --type q
expect_match "a bad --type names it" "^gfind: type 'q': expected f, d, l" "$(cat err)"
expect_status 2 gfind --sort size
expect_status 2 gfind --max-depth -1
pass
