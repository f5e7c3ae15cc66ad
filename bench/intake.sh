#!/usr/bin/env bash
# Intake and planning cost against input size: for each shape of input
# (bench/intake_inputs.py) at 10 KB, 100 KB and 1 MiB, runs the release
# binary's `plan` (and `check` for inputs that are errors) and prints wall
# time, peak memory (GNU time's maximum resident set) and output size.
# Linear cost shows as time and memory growing about 10x per row.
#   SIZES="10240 102400 1048576" SHAPES="..." bash bench/intake.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/time ]; then
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/rollgate
sizes=${SIZES:-"10240 102400 1048575"}
shapes=${SHAPES:-"duplicate-tags unknown-tags integration-lines integration-repeats constraint-clauses technology-run-on numbers team-prose seed-fields json-spec toml-spec yaml-spec"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '| shape | input bytes | exit | wall s | peak RSS MiB | output bytes |\n|---|---|---|---|---|---|\n'
for shape in $shapes; do
  for size in $sizes; do
    ext=txt
    case $shape in json-spec) ext=json ;; toml-spec) ext=toml ;; yaml-spec) ext=yaml ;; esac
    input="$work/$shape.$ext"
    python3 bench/intake_inputs.py "$shape" "$size" >"$input"
    set +e
    /usr/bin/time -o "$work/time" -f '%e %M' \
      "$bin" plan "$input" --start 2026-04-27 >"$work/out" 2>"$work/err"
    code=$?
    set -e
    read -r wall rss < <(tail -1 "$work/time")
    out=$(($(wc -c <"$work/out") + $(wc -c <"$work/err")))
    printf '| %s | %s | %s | %s | %s | %s |\n' "$shape" "$(wc -c <"$input")" "$code" "$wall" \
      "$(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }')" "$out"
  done
done
