#!/usr/bin/env bash
# The Debian package `make package` writes (CPack, packaging/CMakeLists.txt), built into a
# scratch folder: its control fields (Package, Version, Maintainer, Section, a description, and
# a Depends naming the Debian package of every shared library the binary links), its contents
# (the binary, the whole scenario library, the docs, the man page), and the binary unpacked from
# it finding its library. Usage: package_test.sh BUILD_DIR SOURCE_DIR.
source "$(dirname "$0")/common.sh"

(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) ||
  fail "cpack failed: $(cat "$work/cpack.log")"
debs=("$work"/out/syncdrill_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "cpack wrote no syncdrill_*.deb"
deb=${debs[0]}

field() { dpkg-deb -f "$deb" "$1"; }
version=$("$build/syncdrill" --version | sed 's/^syncdrill //')
[ "$(field Package)" = syncdrill ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', not '$version'"
[ "$(field Section)" = devel ] || fail "Section is '$(field Section)'"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture is wrong"
grep -q '<.*@.*>' <<<"$(field Maintainer)" || fail "Maintainer '$(field Maintainer)' has no address"
[ "$(field Description | wc -l)" -gt 2 ] || fail "the Description has no extended text"

# Depends: the package owning each shared library the binary links, as this machine resolves it
# (dpkg knows a library by the path its package ships, /lib/... or /usr/lib/..., so try both).
owner_of() {
  local path=$1 candidate
  for candidate in "$path" "$(readlink -f "$path")" "${path#/usr}" "/usr$path"; do
    if dpkg -S "$candidate" >"$work/owner" 2>/dev/null; then
      head -n 1 "$work/owner" | cut -d: -f1
      return 0
    fi
  done
  fail "no Debian package owns $path"
}
depends=$(field Depends)
depends_names=$(sed -e 's/([^)]*)//g' -e 's/[,|]/\n/g' <<<"$depends" | tr -d ' ')
# The libraries the binary names itself (NEEDED), found where ldd finds them; what those load in
# turn is their packages' business, as in any Debian package.
needed=$(readelf -d "$build/syncdrill" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p')
[ -n "$needed" ] || fail "readelf found no NEEDED library in $build/syncdrill"
resolved=$(ldd "$build/syncdrill")
for soname in $needed; do
  path=$(sed -n "s|^[[:space:]]*$soname => \(/[^ ]*\) .*|\1|p" <<<"$resolved")
  [ -n "$path" ] || fail "ldd does not resolve $soname"
  owner=$(owner_of "$path")
  grep -qxF "$owner" <<<"$depends_names" || fail "Depends lacks $owner (for $path): $depends"
done

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for file in ./usr/bin/syncdrill ./usr/share/man/man1/syncdrill.1.gz \
  ./usr/share/doc/syncdrill/README.md ./usr/share/syncdrill/scenarios/base/topology.yaml; do
  grep -qx "$file" <<<"$contents" || fail "the package lacks $file"
done
for drill in "$source"/scenarios/*.yaml; do
  grep -qx "./usr/share/syncdrill/scenarios/$(basename "$drill")" <<<"$contents" ||
    fail "the package lacks the drill $(basename "$drill")"
done

# Unpacked anywhere, the binary finds the library it came with (and not the source tree's: the
# drill added here is in no other library).
dpkg-deb -x "$deb" "$work/root"
add_drill "$work/root/usr/share/syncdrill/scenarios" unpacked-only
listing=$(env -u SYNCDRILL_SCENARIO_DIR "$work/root/usr/bin/syncdrill" list) ||
  fail "the unpacked binary's list failed"
grep -q '^unpacked-only ' <<<"$listing" || fail "the unpacked binary lists another library"
echo "package_test: ok: $(basename "$deb"), $(stat -c %s "$deb") bytes; Depends: $depends"
