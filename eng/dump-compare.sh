#!/usr/bin/env bash
# Dumps the sample orders table from both sides with the stock clients (mariadb and psql), in one text
# form, and compares the dumps line by line: the check that needs nothing of DualWrite's own code.
# Usage: eng/dump-compare.sh [MARIADB_DATABASE] [POSTGRESQL_SCHEMA]
#   (defaults: dualwrite_sample_old and dualwrite_sample_new, where dualwrite-sample-orders leaves them)
# Servers from eng/services.sh env. Prints the row counts and "dumps identical", or the first differing
# lines and exits 1. Each row: key, status, total, placed_at to the microsecond, details as stored (the
# sample writes JSON in the key order and spacing jsonb prints), receipt in hex, and the version.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(eng/services.sh env)"
database=${1:-dualwrite_sample_old}
schema=${2:-dualwrite_sample_new}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

MYSQL_PWD="$DUALWRITE_MYSQL_PASSWORD" mariadb --no-defaults -h "$DUALWRITE_MYSQL_HOST" -P "$DUALWRITE_MYSQL_PORT" \
  -u "$DUALWRITE_MYSQL_USER" -N -B -D "$database" -e "
  SELECT customer_id, order_no, status, total, DATE_FORMAT(placed_at, '%Y-%m-%d %H:%i:%s.%f'),
         IFNULL(details, 'NULL'), IFNULL(HEX(receipt), 'NULL'), _dw_version
    FROM orders ORDER BY customer_id, order_no" > "$out/mariadb.tsv"

PGPASSWORD="$DUALWRITE_PG_PASSWORD" psql -X -q -h "$DUALWRITE_PG_HOST" -p "$DUALWRITE_PG_PORT" -U "$DUALWRITE_PG_USER" \
  -d "$DUALWRITE_PG_DATABASE" -v ON_ERROR_STOP=1 -A -t -F $'\t' -c "
  SELECT customer_id, order_no, status, total, to_char(placed_at, 'YYYY-MM-DD HH24:MI:SS.US'),
         coalesce(details::text, 'NULL'), coalesce(upper(encode(receipt, 'hex')), 'NULL'), _dw_version
    FROM \"$schema\".orders ORDER BY customer_id, order_no" > "$out/postgresql.tsv"

echo "mariadb \`$database\`.orders: $(wc -l < "$out/mariadb.tsv") rows; psql \"$schema\".orders: $(wc -l < "$out/postgresql.tsv") rows"
if diff -q "$out/mariadb.tsv" "$out/postgresql.tsv" >/dev/null; then
  echo "dumps identical"
else
  echo "dumps differ (< mariadb, > psql):"
  diff "$out/mariadb.tsv" "$out/postgresql.tsv" | head -20
  exit 1
fi
