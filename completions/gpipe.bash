# Bash completion for the gpipe tools. Options come from each tool's own --help, so they
# can never drift from what the tool accepts; everything else completes as a file name.
_gpipe_complete() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  if [[ $cur == -* ]]; then
    local opts
    opts=$("$1" --help 2>/dev/null | grep -E '^ +-' | grep -oE -- '(^|[ ,])--?[A-Za-z0-9][-A-Za-z0-9]*' | tr -d ' ,')
    mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
  else
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  fi
}
complete -o filenames -F _gpipe_complete gfind gopen-cat ggrep gsum gtail apachelog gquery glogsim
