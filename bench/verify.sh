#!/usr/bin/env bash
# Benchmark for `rollgate verify postgres` (issues 7 and 16): two throwaway
# clusters on loopback, one table of ROWS rows (default 10,000,000) in three
# states (identical, 10 changed rows, 10,000 changed rows). For each state
# it times: the floors (a server-side scan hashing every row, one side and
# both at once; the same with md5 of the row text, what diff tools
# commonly hash; count(*)), rollgate's time to a verdict (release build,
# default options, then with --expect-equal) with its peak memory, and
# reladiff (from PyPI) on the same data. Prints a Markdown table.
# ROLLGATE_ARGS adds options to both rollgate runs (e.g. "--cells 262144").
#
# Each cluster is pinned to its own CPU (taskset) when the machine has two
# or more, so the two "servers" do not steal each other's core, as two
# database machines would not; PIN=0 turns that off.
#
#   bash bench/verify.sh            # 10M rows
#   ROWS=1000000 bash bench/verify.sh
#   RELADIFF=0 MD5=0 ROWS=100000000 bash bench/verify.sh   # skip the slow ones
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-10000000}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

if ! command -v reladiff >/dev/null; then
  pip install -q "reladiff[postgresql]==0.6.0"
fi
cargo build --release -q -p rollgate
ROLLGATE=${CARGO_TARGET_DIR:-$PWD/target}/release/rollgate

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
work=$(mktemp -d /tmp/rollgate-bench.XXXXXX)
[ "$(id -u)" -eq 0 ] && chown postgres "$work"
ports=()
cleanup() {
  for d in "$work"/a "$work"/b; do as_pg "$PG_BIN/pg_ctl" -D "$d" -m immediate stop >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
for side in a b; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  ports+=("$port")
  as_pg "$PG_BIN/initdb" -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8 -D "$work/$side" >/dev/null
  pin=()
  if [ "${PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ]; then pin=(taskset -c "$(( ${#ports[@]} - 1 ))"); fi
  as_pg "${pin[@]}" "$PG_BIN/pg_ctl" -D "$work/$side" -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=512MB -c work_mem=64MB" -l "$work/$side.log" -w start >/dev/null
done
A="host=127.0.0.1 port=${ports[0]} user=postgres dbname=postgres"
B="host=127.0.0.1 port=${ports[1]} user=postgres dbname=postgres"
UA="postgresql://postgres@127.0.0.1:${ports[0]}/postgres"
UB="postgresql://postgres@127.0.0.1:${ports[1]}/postgres"

echo "loading $ROWS rows into both clusters…" >&2
for url in "$A" "$B"; do
  (psql "$url" -q -c "CREATE TABLE bench (id bigint PRIMARY KEY, a int, b text, c timestamptz, d numeric(12,2));
    INSERT INTO bench SELECT g, g % 1000, 'row ' || g, timestamptz '2026-01-01' + g * interval '1 second', (g % 100000) / 100.0 FROM generate_series(1, $ROWS) g;" \
   && psql "$url" -q -c "VACUUM ANALYZE bench") &
done
wait

now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }

# Both floors matter when the servers share cores; pinned, "both at once"
# should equal "one side". The hash floor uses the row hash rollgate uses
# (each column's own hash function, combined; see content.rs), the
# cheapest the server has; the record floor is `hash_record_extended` over
# the row, the floor of earlier rounds; the md5 floor is what text-hashing
# tools pay.
echo "| state | floor: hash scan, one side | floor: hash scan, both at once | floor: hash_record_extended, one side | floor: md5 of row text, one side | floor: count(*) | rollgate verify | rollgate peak RSS | rollgate --expect-equal | reladiff | rollgate / one-side floor | --expect-equal / one-side floor | rollgate / record floor | reladiff / rollgate |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
measure() {
  local state=$1
  local row="coalesce(hashint4extended(t.a, 1), 1) # coalesce(hashtextextended(t.b, 2), 2) # coalesce(timestamp_hash_extended(t.c AT TIME ZONE 'UTC', 3), 3) # coalesce(hash_numeric_extended(t.d, 4), 4) # hashint8extended(t.id, 5)"
  local scan="SELECT count(*), sum($row) FROM bench t"
  local record="SELECT count(*), sum(hash_record_extended(ROW(t.a, t.b, t.c, t.d, t.id), 0)) FROM bench t"
  local md5="SELECT bit_xor(('x' || substr(md5(t::text), 1, 16))::bit(64)::bigint) FROM bench t"
  tb0=$(now); psql "$A" -qAt -c "$scan" >/dev/null & psql "$B" -qAt -c "$scan" >/dev/null; wait; tb1=$(now)
  both_floor=$(secs "$tb0" "$tb1")
  tr0=$(now); psql "$A" -qAt -c "$record" >/dev/null; tr1=$(now)
  t0=$(now); psql "$A" -qAt -c "$scan" >/dev/null; t1=$(now)
  psql "$A" -qAt -c "SELECT count(*) FROM bench" >/dev/null; t2=$(now)
  # shellcheck disable=SC2086 # ROLLGATE_ARGS is a list of options
  /usr/bin/time -f "%M" -o "$work/rss" "$ROLLGATE" verify postgres --source "$A" --target "$B" --tables public.bench --format json ${ROLLGATE_ARGS:-} > "$work/verdict.json" || true; t3=$(now)
  # shellcheck disable=SC2086
  te0=$(now); "$ROLLGATE" verify postgres --source "$A" --target "$B" --tables public.bench --format json --expect-equal ${ROLLGATE_ARGS:-} > "$work/verdict-ee.json" || true
  te1=$(now)
  if [ "${RELADIFF:-1}" = 1 ]; then
    reladiff "$UA" bench "$UB" bench -k id -c a -c b -c c -c d > "$work/reladiff.out" 2>&1 || true
  fi
  t4=$(now)
  tm0=$(now); if [ "${MD5:-1}" = 1 ]; then psql "$A" -qAt -c "$md5" >/dev/null; fi; tm1=$(now)
  local floor rg rl ee
  floor=$(secs "$t0" "$t1"); rg=$(secs "$t2" "$t3"); rl=$(secs "$te1" "$t4"); ee=$(secs "$te0" "$te1")
  for f in "$work/verdict.json" "$work/verdict-ee.json"; do
    python3 - "$f" "$state" <<'PY' >&2
import json, sys
v = json.load(open(sys.argv[1])); t = v["tables"][0]
print(f"{sys.argv[2]} ({sys.argv[1].rsplit('/', 1)[1]}): rollgate says equal={v['equal']} rows={t['source_rows']}/{t['target_rows']} missing={t['missing_count']} extra={t['extra_count']} changed={t['changed_count']}")
PY
  done
  rec=$(secs "$tr0" "$tr1")
  echo "| $state | ${floor}s | ${both_floor}s | ${rec}s | $(secs "$tm0" "$tm1")s | $(secs "$t1" "$t2")s | ${rg}s | $(( $(tail -1 "$work/rss") / 1024 )) MiB | ${ee}s | ${rl}s | $(python3 -c "print(f'{$rg/$floor:.2f}x')") | $(python3 -c "print(f'{$ee/$floor:.2f}x')") | $(python3 -c "print(f'{$rg/$rec:.2f}x')") | $(python3 -c "print(f'{$rl/$rg:.1f}x')") |"
}
measure "identical"
psql "$B" -q -c "UPDATE bench SET a = a + 1 WHERE id IN (SELECT (g * ($ROWS / 10))::bigint FROM generate_series(1, 10) g)"
measure "10 changed rows"
psql "$B" -q -c "UPDATE bench SET a = a - 1 WHERE id IN (SELECT (g * ($ROWS / 10))::bigint FROM generate_series(1, 10) g)"
psql "$B" -q -c "UPDATE bench SET b = b || '!' WHERE id % ($ROWS / 10000) = 7"
measure "10,000 changed rows"
