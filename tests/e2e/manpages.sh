# Every tool has a man page, clean under mandoc's lint, that documents every option its
# --help shows (so the two cannot drift apart).
source "$(dirname "$0")/lib.sh"
src=${GPIPE_SOURCE_DIR:?}

tools=$(sed -n 's/^gpipe_tool(\([a-z-]*\))$/\1/p' "$src/tools/CMakeLists.txt")
CHECKS=$((CHECKS + 1)); [[ -n $tools ]] || fail "no tools found in tools/CMakeLists.txt"
for t in $tools; do
  page=$src/man/$t.1
  CHECKS=$((CHECKS + 1))
  if [[ ! -f $page ]]; then
    fail "$t has no man page man/$t.1"
    continue
  fi
  expect_empty "man/$t.1 is clean under mandoc -T lint" "$(mandoc -T lint -W warning "$page" 2>&1)"
  text=$(mandoc -T ascii -O width=200 "$page" | sed 's/.\x08//g')
  for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" DIAGNOSTICS EXAMPLES "SEE ALSO"; do
    expect_match "man/$t.1 has a $section section" "^$section\$" "$text"
  done
  # The options of --help: words starting with - or -- in the indented option lines.
  options=$("$t" --help | grep -E '^ +-' | grep -oE '(^|[ ,])--?[A-Za-z0-9][-A-Za-z0-9]*' | tr -d ' ,' | sort -u)
  for o in $options; do
    CHECKS=$((CHECKS + 1))
    grep -qF -- "$o" <<<"$text" || fail "man/$t.1 does not mention $o (shown by $t --help)"
  done
done
pass
