#!/usr/bin/env bash
# Runs the shell examples of a Markdown file (README.md) as a user would type them, so the README's
# commands keep working as written.
#
# Usage: tests/docs/readme_examples.sh SYNCDRILL_BINARY SOURCE_DIR [MARKDOWN_FILE]
#
# - Every ```sh block is run, line by line (a line ending in `\` continues on the next), except a
#   block whose fence is preceded by `<!-- not run by tests: REASON -->` (the live drill, builds).
# - Every line of a run block must be a syncdrill command (`syncdrill ...` or
#   `build/syncdrill ...`): it is rewritten to SYNCDRILL_BINARY. Anything else is refused, so a
#   block of other commands must say why it is not run.
# - A command must exit 0, unless its comment says otherwise: `# ... exits 1 ...` (a drill that
#   FAILs by design).
# - The commands run in a scratch folder holding links to SOURCE_DIR's top-level entries (the
#   scenario library, tests/, docs/), so relative paths resolve as from a clone and reports land
#   in the scratch folder. Exits 1 on the first unexpected exit code, or when no command ran.
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 SYNCDRILL_BINARY SOURCE_DIR [MARKDOWN_FILE]" >&2
  exit 2
fi
binary=$(realpath "$1")
source_dir=$(realpath "$2")
markdown=$(realpath "${3:-$source_dir/README.md}")
name=$(basename "$markdown")

scratch=$(mktemp -d "${TMPDIR:-/tmp}/syncdrill-readme.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
for entry in "$source_dir"/*; do
  case $(basename "$entry") in build* | out) continue ;; esac
  ln -s "$entry" "$scratch/$(basename "$entry")"
done

# Prints the commands to run, one per record: "LINE<TAB>COMMAND" (continuations joined).
extract_commands() {
  awk '
    function flush() { if (cmd != "") print start "\t" cmd; cmd = "" }
    /^```/ {
      if (!in_block) {
        in_block = 1
        run = ($0 ~ /^```(sh|bash|shell)[[:space:]]*$/) && !skip_next
        skip_next = 0
      } else {
        flush(); in_block = 0
      }
      next
    }
    !in_block {
      if ($0 ~ /<!-- not run by tests:/) skip_next = 1
      else if ($0 !~ /^[[:space:]]*$/) skip_next = 0
      next
    }
    run {
      line = $0
      if (cmd == "") {
        if (line ~ /^[[:space:]]*(#.*)?$/) next
        start = NR
      }
      if (line ~ /\\$/) { cmd = cmd substr(line, 1, length(line) - 1); next }
      cmd = cmd line
      flush()
    }
  ' "$1"
}

ran=0
while IFS=$'\t' read -r line command; do
  where="$name:$line"
  if [[ ! $command =~ ^[[:space:]]*(build/)?syncdrill([[:space:]]|$)(.*)$ ]]; then
    echo "$where: not a syncdrill command: $command" >&2
    echo "  (mark its block with <!-- not run by tests: REASON --> if it must not run)" >&2
    exit 1
  fi
  rest=${BASH_REMATCH[3]}
  expected=0
  if [[ $rest =~ \#.*exits?[[:space:]]+([0-9]+) ]]; then expected=${BASH_REMATCH[1]}; fi
  started=$(date +%s.%N)
  set +e
  (cd "$scratch" && bash -c "$(printf '%q' "$binary") $rest") </dev/null >"$scratch/.stdout" 2>"$scratch/.stderr"
  status=$?
  set -e
  seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  echo "$where: exit $status (expected $expected), ${seconds} s: $command"
  if [[ $status -ne $expected ]]; then
    echo "$where: FAILED: exit $status, the README expects $expected" >&2
    echo "--- stderr:" >&2
    tail -n 20 "$scratch/.stderr" >&2
    echo "--- stdout:" >&2
    tail -n 20 "$scratch/.stdout" >&2
    exit 1
  fi
  ran=$((ran + 1))
done < <(extract_commands "$markdown")

if [[ $ran -eq 0 ]]; then
  echo "$name: no command ran: no \`\`\`sh block without a 'not run by tests' mark" >&2
  exit 1
fi
echo "$name: $ran commands ran as written"
