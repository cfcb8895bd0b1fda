# gfind: walking a real tree (/usr) for a name, for everything, and for big files. fd prints
# in the order its threads find things, so outputs are compared after sorting their lines.
# gfind and find list what is there, hidden files and all; fd does that with -u. fd ends
# directory names with '/', which sed takes off. Sizes: gfind's +100k and fd's +100ki are
# "at least 102400 bytes", which find spells -size +102399c.
BENCH_NORMALIZE=sort compare "gfind '*.h' /usr (find by name)" - \
  "gpipe gfind" "gfind '*.h' /usr" \
  "fd -u -g" "fdfind -u -g '*.h' /usr" \
  "find -name" "find /usr -name '*.h'"
BENCH_NORMALIZE=sort compare "gfind '*' /usr (list everything)" - \
  "gpipe gfind" "gfind '*' /usr" \
  "fd -u" "fdfind -u . /usr | sed 's:/\$::'" \
  "find" "find /usr -mindepth 1"
BENCH_NORMALIZE=sort compare "gfind -t f -S +100k '*' /usr (big files: a stat each)" - \
  "gpipe gfind" "gfind -t f -S +100k '*' /usr" \
  "fd -u" "fdfind -u -t f -S +100ki . /usr" \
  "find" "find /usr -type f -size +102399c"
