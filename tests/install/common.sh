# Sourced by the install tests: their arguments (BUILD_DIR SOURCE_DIR), a scratch folder removed
# on exit, `fail`, and `add_drill` to put a drill only one library has.
set -euo pipefail
build=$1
source=$2
test_name=$(basename "$0" .sh)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "$test_name: FAIL: $*" >&2
  exit 1
}

# add_drill LIBRARY NAME: a copy of duplicate-orders named NAME, in that library alone. A binary
# that lists or runs it read that library, not the source tree's (whose path it also knows).
add_drill() {
  sed "s/^name: duplicate-orders\$/name: $2/" "$1/duplicate-orders.yaml" >"$1/$2.yaml"
  grep -q "^name: $2\$" "$1/$2.yaml" || fail "could not write the drill $2 into $1"
}
