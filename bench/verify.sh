#!/usr/bin/env bash
# Benchmark for `rollgate verify postgres` (issue 7): two throwaway clusters
# on loopback, one table of ROWS rows (default 10,000,000) in three states
# (identical, 10 changed rows, 10,000 changed rows). For each state it
# times: the floor (one server-side scan hashing every row, and count(*)),
# rollgate's time to a verdict (release build) with its peak memory, and
# reladiff (from PyPI) on the same data. Prints a Markdown table.
#
#   bash bench/verify.sh            # 10M rows
#   ROWS=1000000 bash bench/verify.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-10000000}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

if ! command -v reladiff >/dev/null; then
  pip install -q "reladiff[postgresql]==0.6.0"
fi
cargo build --release -q -p rollgate
ROLLGATE=$PWD/target/release/rollgate

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
  as_pg "$PG_BIN/pg_ctl" -D "$work/$side" -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=512MB -c work_mem=64MB" -l "$work/$side.log" -w start >/dev/null
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

# Both floors matter: on a small machine the two servers share the cores, so
# hashing both sides at once is the real lower bound for any tool that reads
# every row of both.
echo "| state | floor: hash scan, one side | floor: hash scan, both sides at once | floor: count(*) | rollgate verify | rollgate peak RSS | reladiff | rollgate vs both-sides floor | reladiff / rollgate |"
echo "|---|---|---|---|---|---|---|---|---|"
measure() {
  local state=$1
  local scan="SELECT bit_xor(('x' || substr(md5(t::text), 1, 16))::bit(64)::bigint) FROM bench t"
  tb0=$(now); psql "$A" -qAt -c "$scan" >/dev/null & psql "$B" -qAt -c "$scan" >/dev/null; wait; tb1=$(now)
  both_floor=$(secs "$tb0" "$tb1")
  t0=$(now); psql "$A" -qAt -c "$scan" >/dev/null; t1=$(now)
  psql "$A" -qAt -c "SELECT count(*) FROM bench" >/dev/null; t2=$(now)
  /usr/bin/time -f "%M" -o "$work/rss" "$ROLLGATE" verify postgres --source "$A" --target "$B" --tables public.bench --format json > "$work/verdict.json" || true; t3=$(now)
  reladiff "$UA" bench "$UB" bench -k id -c a -c b -c c -c d > "$work/reladiff.out" 2>&1 || true; t4=$(now)
  local floor rg rl
  floor=$(secs "$t0" "$t1"); rg=$(secs "$t2" "$t3"); rl=$(secs "$t3" "$t4")
  echo "| $state | ${floor}s | ${both_floor}s | $(secs "$t1" "$t2")s | ${rg}s | $(( $(tail -1 "$work/rss") / 1024 )) MiB | ${rl}s | $(python3 -c "print(f'{$rg/$both_floor:.2f}x')") | $(python3 -c "print(f'{$rl/$rg:.1f}x')") |"
}
measure "identical"
psql "$B" -q -c "UPDATE bench SET a = a + 1 WHERE id IN (SELECT (g * ($ROWS / 10))::bigint FROM generate_series(1, 10) g)"
measure "10 changed rows"
psql "$B" -q -c "UPDATE bench SET b = b || '!' WHERE id % ($ROWS / 10000) = 7"
measure "10,000 changed rows"
