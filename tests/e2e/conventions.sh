# The conventions every tool shares (design.md): --help, --version, usage errors,
# diagnostics format, closed pipes. Each tool that lands is added to TOOLS.
source "$(dirname "$0")/lib.sh"

TOOLS=(apachelog gfind ggrep glogsim gopen-cat gquery gsum gtail)

for t in "${TOOLS[@]}"; do
  expect_status 0 "$t" --help
  expect_match "$t --help starts with a description" '.' "$(head -1 out)"
  expect_match "$t --help shows the usage line" "^Usage: $t" "$(cat out)"
  expect_empty "$t --help writes nothing on stderr" "$(cat err)"
  # ggrep's -h is grep's --no-filename, as grep users expect; only --help is its help.
  [[ $t == ggrep ]] || expect_status 0 "$t" -h
  expect_status 0 "$t" --version
  expect_match "$t --version names the tool and gpipe" "^$t \(gpipe\) [0-9]+\.[0-9]+\.[0-9]+$" "$(cat out)"
  expect_status 2 "$t" --no-such-option
  expect_match "$t: a usage error is one line naming the tool" "^$t: " "$(head -1 err)"
  expect_empty "$t: a usage error writes nothing on stdout" "$(cat out)"
done

# A closed downstream pipe ends a producer quietly with status 0 (set -o pipefail safe).
set -o pipefail
glogsim --lines 2000000 2>err | head -1 >/dev/null
expect_eq "glogsim | head -1 exits 0" "0" "$?"
expect_empty "glogsim | head -1 is silent" "$(cat err)"

# A write error (disk full) is reported with exit status 2.
if [[ -w /dev/full ]]; then
  expect_status 2 glogsim --lines 100000 -o /dev/full
  expect_match "write error names the file" "^glogsim: /dev/full: No space left on device$" "$(cat err)"
  glogsim --lines 100000 >/dev/full 2>err
  expect_eq "write error to stdout gives status 2" "2" "$?"
  expect_match "write error names standard output" "^glogsim: standard output: No space left on device$" "$(cat err)"
fi
pass
