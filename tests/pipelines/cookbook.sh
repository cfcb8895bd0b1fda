# The README's Cookbook shows what its commands print on the demo data (readme_cookbook.py).
source "$(dirname "$0")/lib.sh"
CHECKS=$((CHECKS + 1))
python3 "$GPIPE_SOURCE_DIR/tests/pipelines/readme_cookbook.py" "$README" "$WORK" ||
  fail "the README's Cookbook differs from what its commands print"
pass
