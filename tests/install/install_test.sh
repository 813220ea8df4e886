#!/usr/bin/env bash
# syncdrill installed into a staging root (`cmake --install BUILD --prefix STAGE/usr`) and used
# from there as a user would, from a folder outside the source tree: the files are where the
# install rules put them, `list` and `run NAME` read the installed scenario library (not the
# source tree the binary was built from), a report's replay line replays the same report, and
# `validate` takes library names. Usage: install_test.sh BUILD_DIR SOURCE_DIR.
source "$(dirname "$0")/common.sh"

stage=$work/stage
cmake --install "$build" --prefix "$stage/usr" >/dev/null
for file in bin/syncdrill share/syncdrill/scenarios/base/topology.yaml \
  share/doc/syncdrill/README.md share/doc/syncdrill/docs/scenario-format.md \
  share/man/man1/syncdrill.1.gz; do
  [ -e "$stage/usr/$file" ] || fail "the install has no $file"
done
for drill in "$source"/scenarios/*.yaml; do
  cmp -s "$drill" "$stage/usr/share/syncdrill/scenarios/$(basename "$drill")" ||
    fail "the installed library differs from scenarios/ at $(basename "$drill")"
done

# The man page: a gzipped roff page with a section per command of `syncdrill --help`.
man=$(gzip -dc "$stage/usr/share/man/man1/syncdrill.1.gz")
grep -q '^\.TH SYNCDRILL 1 ' <<<"$man" || fail "the man page has no .TH SYNCDRILL 1 header"
for command in run validate list compare sweep merge serve connect; do
  grep -qx "\.SS $command" <<<"$man" || fail "the man page has no section for '$command'"
done

# A drill only the installed library has: if `list` or `run NAME` read the source tree (whose
# path is compiled into the binary), they would not find it.
add_drill "$stage/usr/share/syncdrill/scenarios" staged-only

unset SYNCDRILL_SCENARIO_DIR
export PATH=$stage/usr/bin:$PATH
cd "$work"
[ "$(command -v syncdrill)" = "$stage/usr/bin/syncdrill" ] || fail "syncdrill is not the staged one"

listing=$(syncdrill list) || fail "syncdrill list failed"
grep -q '^staged-only ' <<<"$listing" || fail "list does not show the installed library: $listing"
grep -q '^black-friday-peak ' <<<"$listing" || fail "list lacks black-friday-peak: $listing"

# run NAME, then the replay line its report prints, run as it is: the same report bytes.
status=0
syncdrill run staged-only --out "$work/first" -q || status=$?
[ $status -le 1 ] || fail "run staged-only exited $status"
replay=$(grep -o '"replay": "[^"]*"' "$work/first/report.json" | sed 's/^"replay": "\(.*\)"$/\1/')
[ "$replay" = "syncdrill run staged-only.yaml --seed 1" ] || fail "unexpected replay line '$replay'"
status=0
$replay --out "$work/again" -q || status=$?
[ $status -le 1 ] || fail "the replay line '$replay' exited $status"
cmp -s "$work/first/report.json" "$work/again/report.json" ||
  fail "the replay line gave another report.json"

# The path a source tree's report prints (scenarios/NAME.yaml) runs the installed drill too.
status=0
syncdrill run scenarios/staged-only.yaml --seed 1 --out "$work/by-path" -q --format json ||
  status=$?
[ $status -le 1 ] || fail "run scenarios/staged-only.yaml exited $status"

out=$(syncdrill validate staged-only black-friday-peak.yaml) || fail "validate by name failed"
# validate names the file each argument resolved to: the installed library's.
grep -q "^ok: .*/share/syncdrill/scenarios/staged-only.yaml (scenario 'staged-only')" <<<"$out" ||
  fail "validate said: $out"
grep -q "^ok: .*/share/syncdrill/scenarios/black-friday-peak.yaml " <<<"$out" ||
  fail "validate said: $out"

# A name the library lacks is still a missing file (exit 2), not something else.
status=0
syncdrill run no-such-drill --out "$work/none" -q 2>"$work/err" || status=$?
[ $status -eq 2 ] || fail "run no-such-drill exited $status, not 2"
grep -q "no-such-drill" "$work/err" || fail "run no-such-drill does not name it: $(cat "$work/err")"
echo "install_test: ok"
