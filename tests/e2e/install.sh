# `cmake --install` puts every tool in bin/, every man page in share/man/man1/ (so `man TOOL`
# works) and the shell completions where bash and zsh look for them.
source "$(dirname "$0")/lib.sh"
src=${GPIPE_SOURCE_DIR:?}
cmake --install "${GPIPE_BUILD_DIR:?}" --prefix "$WORK/prefix" >/dev/null
expect_eq "cmake --install succeeds" "0" "$?"

for t in $(sed -n 's/^gpipe_tool(\([a-z-]*\))$/\1/p' "$src/tools/CMakeLists.txt"); do
  CHECKS=$((CHECKS + 1)); [[ -x prefix/bin/$t ]] || fail "$t is not installed in bin/"
  CHECKS=$((CHECKS + 1)); [[ -f prefix/share/man/man1/$t.1 ]] || fail "$t.1 is not installed in share/man/man1/"
  CHECKS=$((CHECKS + 1)); [[ -f prefix/share/bash-completion/completions/$t ]] || fail "no bash completion for $t"
  if command -v man >/dev/null; then
    expect_match "man $t finds the installed page" "$t" "$(MANPATH=$WORK/prefix/share/man man -P cat "$t" 2>/dev/null | head -5)"
  fi
done
CHECKS=$((CHECKS + 1)); [[ -f prefix/share/zsh/site-functions/_gpipe ]] || fail "no zsh completion"

# The bash completion offers the options the tool's --help lists.
reply=$(PATH=$WORK/prefix/bin:$PATH bash -c '
  source prefix/share/bash-completion/completions/glogsim
  COMP_WORDS=(glogsim --rot); COMP_CWORD=1
  _gpipe_complete glogsim; echo "${COMPREPLY[*]}"')
expect_eq "bash completes glogsim --rot" "--rotate-every --rotation" "$reply"
pass
