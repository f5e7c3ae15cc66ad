#!/usr/bin/env bash
# Benchmark for `rollgate verify` across engines (issue 16): a throwaway
# MariaDB server (Debian's mariadb-server) and a throwaway PostgreSQL 15
# cluster on loopback, each pinned to its own CPU when there are two (PIN=0
# turns that off), the same table of ROWS rows (default 1,000,000) in both
# (bigint key, int, varchar, datetime(6) ↔ timestamp(6), decimal(12,2) ↔
# numeric(12,2)), in three states of the PostgreSQL side (identical, 10
# changed rows, 10,000 changed rows). For each state it times each engine's
# floor (one scan hashing every row's canonical text with md5, the hash
# rollgate has each server compute), rollgate's time to a verdict (release
# build) with its peak memory, and reladiff 0.6.0's cross-database mode on
# the same data. Prints a Markdown table.
#
#   bash bench/verify-cross.sh
#   ROWS=10000000 RELADIFF=0 bash bench/verify-cross.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

if [ "${RELADIFF:-1}" = 1 ] && ! python3 -c 'import mysql.connector, psycopg2' 2>/dev/null; then
  pip install -q "reladiff[postgresql,mysql]==0.6.0"
fi
cargo build --release -q -p rollgate
ROLLGATE=${CARGO_TARGET_DIR:-$PWD/target}/release/rollgate

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
work=$(mktemp -d /tmp/rollgate-bench-cross.XXXXXX)
[ "$(id -u)" -eq 0 ] && chown postgres "$work"
maria_pid=
cleanup() {
  as_pg "$PG_BIN/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  # Only the server this script started, by its process id.
  if [ -n "$maria_pid" ]; then kill "$maria_pid" 2>/dev/null || true; wait "$maria_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
pin() { if [ "${PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ]; then echo "taskset -c $1"; fi; }
root=(); [ "$(id -u)" -eq 0 ] && root=(--user=root)

mport=$(free_port)
mariadb-install-db --no-defaults --datadir="$work/maria" --auth-root-authentication-method=normal --skip-test-db "${root[@]}" >/dev/null
# shellcheck disable=SC2046
$(pin 0) /usr/sbin/mariadbd --no-defaults --datadir="$work/maria" --port="$mport" --bind-address=127.0.0.1 \
  --socket="$work/maria.sock" --pid-file="$work/maria.pid" --skip-log-bin --innodb-buffer-pool-size=1G \
  --character-set-server=utf8mb4 "${root[@]}" >"$work/maria.log" 2>&1 &
maria_pid=$!
my() { mariadb --no-defaults --socket="$work/maria.sock" -u root --default-character-set=utf8mb4 "$@"; }
for _ in $(seq 100); do my -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
my -e "CREATE DATABASE shop; CREATE USER 'bench'@'%'; GRANT ALL ON shop.* TO 'bench'@'%';"

pport=$(free_port)
as_pg "$PG_BIN/initdb" -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8 -D "$work/pg" >/dev/null
# shellcheck disable=SC2046
as_pg $(pin 1) "$PG_BIN/pg_ctl" -D "$work/pg" -o "-p $pport -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=512MB -c work_mem=64MB" -l "$work/pg.log" -w start >/dev/null
P="host=127.0.0.1 port=$pport user=postgres dbname=postgres"
M="mariadb://bench@127.0.0.1:$mport/shop"

echo "loading $ROWS rows into MariaDB and PostgreSQL…" >&2
my shop -e "CREATE TABLE bench (id bigint PRIMARY KEY, a int, b varchar(40), c datetime(6), d decimal(12,2));
  INSERT INTO bench SELECT seq, seq % 1000, CONCAT('row ', seq), TIMESTAMP '2026-01-01 00:00:00' + INTERVAL seq SECOND, (seq % 100000) / 100 FROM seq_1_to_$ROWS;
  ANALYZE TABLE bench;" >/dev/null &
loader=$!
psql "$P" -q -c "CREATE TABLE bench (id bigint PRIMARY KEY, a int, b varchar(40), c timestamp(6), d numeric(12,2));
  INSERT INTO bench SELECT g, g % 1000, 'row ' || g, timestamp '2026-01-01 00:00:00' + g * interval '1 second', (g % 100000) / 100.0 FROM generate_series(1, $ROWS) g;" -c "VACUUM ANALYZE bench"
# Only the loader: `wait` alone would wait for the server too.
wait "$loader"

now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }
# The canonical text rollgate hashes for this table (key first, then the
# other columns by name), summed as it sums it: each engine's floor.
enc_my() { echo "IF($1 IS NULL, 'N', CONCAT('V', CHAR_LENGTH($2), ':', $2))"; }
enc_pg() { echo "CASE WHEN $1 IS NULL THEN 'N' ELSE 'V' || char_length($2) || ':' || $2 END"; }
row_my="CONCAT_WS(',', $(enc_my t.id "CAST(t.id AS CHAR)"), $(enc_my t.a "CAST(t.a AS CHAR)"), $(enc_my t.b "(CONVERT(t.b USING utf8mb4) COLLATE utf8mb4_bin)"), $(enc_my t.c "DATE_FORMAT(t.c, '%Y-%m-%d %H:%i:%s.%f')"), $(enc_my t.d "TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM CAST(t.d AS CHAR)))"))"
row_pg="concat_ws(',', $(enc_pg t.id "t.id::text"), $(enc_pg t.a "t.a::text"), $(enc_pg t.b "t.b::text"), $(enc_pg t.c "to_char(t.c, 'YYYY-MM-DD HH24:MI:SS.US')"), $(enc_pg t.d "trim_scale(t.d::numeric)::text"))"
floor_my="SELECT COUNT(*), SUM(CAST(CONV(SUBSTRING(MD5($row_my), 1, 15), 16, 10) AS UNSIGNED)) FROM bench t"
floor_pg="SELECT count(*), sum(('x' || lpad(substr(md5($row_pg), 1, 15), 16, '0'))::bit(64)::bigint) FROM bench t"
a=$(my -N shop -e "$floor_my"); b=$(psql "$P" -qAt -F $'\t' -c "$floor_pg")
[ "$a" = "$b" ] || { echo "the floors disagree on equal data: $a / $b" >&2; exit 1; }

echo "| state | floor: MariaDB canonical md5 scan | floor: PostgreSQL canonical md5 scan | rollgate verify | rollgate peak RSS | reladiff (cross-database) | rollgate / slower floor | reladiff / rollgate |"
echo "|---|---|---|---|---|---|---|---|"
measure() {
  local state=$1
  t0=$(now); my shop -e "$floor_my" >/dev/null; t1=$(now)
  psql "$P" -qAt -c "$floor_pg" >/dev/null; t2=$(now)
  /usr/bin/time -f "%M" -o "$work/rss" "$ROLLGATE" verify --source "$M" --target "$P" --tables bench --format json > "$work/verdict.json" || true; t3=$(now)
  local rl="-"
  if [ "${RELADIFF:-1}" = 1 ]; then
    reladiff "mysql://bench@127.0.0.1:$mport/shop" bench "postgresql://postgres@127.0.0.1:$pport/postgres" bench -k id -c a -c b -c c -c d > "$work/reladiff.out" 2>&1 || true
    rl=$(secs "$t3" "$(now)")
    echo "reladiff said $(grep -c '^[-+]' "$work/reladiff.out" || true) differing lines; last: $(tail -1 "$work/reladiff.out" | cut -c1-160)" >&2
  fi
  python3 - "$work/verdict.json" "$state" <<'PY' >&2
import json, sys
v = json.load(open(sys.argv[1])); t = v["tables"][0]
print(f"{sys.argv[2]}: rollgate says equal={v['equal']} rows={t['source_rows']}/{t['target_rows']} missing={t['missing_count']} extra={t['extra_count']} changed={t['changed_count']}")
PY
  local fm fp rg slower
  fm=$(secs "$t0" "$t1"); fp=$(secs "$t1" "$t2"); rg=$(secs "$t2" "$t3")
  slower=$(python3 -c "print(max($fm, $fp))")
  echo "| $state | ${fm}s | ${fp}s | ${rg}s | $(( $(tail -1 "$work/rss") / 1024 )) MiB | $([ "$rl" = - ] && echo - || echo "${rl}s") | $(python3 -c "print(f'{$rg/$slower:.2f}x')") | $([ "$rl" = - ] && echo - || python3 -c "print(f'{$rl/$rg:.1f}x')") |"
}
measure "identical"
psql "$P" -q -c "UPDATE bench SET a = a + 1 WHERE id IN (SELECT (g * ($ROWS / 10))::bigint FROM generate_series(1, 10) g)"
measure "10 changed rows"
psql "$P" -q -c "UPDATE bench SET a = a - 1 WHERE id IN (SELECT (g * ($ROWS / 10))::bigint FROM generate_series(1, 10) g)"
psql "$P" -q -c "UPDATE bench SET b = b || '!' WHERE id % ($ROWS / 10000) = 7"
measure "10,000 changed rows"
