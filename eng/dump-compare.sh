#!/usr/bin/env bash
# Dumps a table from both sides with the stock clients (mariadb and psql), in one text form, and compares
# the dumps line by line: the check that needs nothing of DualWrite's own code.
# Usage:
#   eng/dump-compare.sh [MARIADB_DATABASE] [POSTGRESQL_SCHEMA]
#     the sample orders table (defaults: dualwrite_sample_old and dualwrite_sample_new, where
#     dualwrite-sample-orders leaves them). Each row: key, status, total, placed_at to the microsecond,
#     details as stored (the sample writes JSON in the key order and spacing jsonb prints), receipt in
#     hex, and the version.
#   eng/dump-compare.sh --database DB --schema SCHEMA --table T --key K --columns C1,C2,... [--faults]
#     any table whose columns are integers, decimals or text (their text forms agree on both sides; NULL
#     prints as NULL), ordered by the integer key K; --faults reads the fault servers (mariadb-faults,
#     postgres-faults) instead of the main ones.
# Servers from eng/services.sh env. Prints the row counts and "dumps identical", or the first differing
# lines, "source lines not in target: N" and "target lines not in source: M", and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(eng/services.sh env)"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mysql_port=$DUALWRITE_MYSQL_PORT
pg_port=$DUALWRITE_PG_PORT

if [ "${1:-}" != "${1#--}" ]; then
  database='' schema='' table='' key='' columns=''
  while [ $# -gt 0 ]; do
    case "$1" in
      --database) database="$2"; shift ;;
      --schema) schema="$2"; shift ;;
      --table) table="$2"; shift ;;
      --key) key="$2"; shift ;;
      --columns) columns="$2"; shift ;;
      --faults) mysql_port=${DUALWRITE_MYSQL_FAULTS_PORT:-33307}; pg_port=${DUALWRITE_PG_FAULTS_PORT:-55433} ;;
      *) echo "usage: eng/dump-compare.sh --database DB --schema SCHEMA --table T --key K --columns C1,C2,... [--faults]" >&2; exit 2 ;;
    esac
    shift
  done
  # Every name goes into SQL quoted; plain names only, so the quoting needs no escaping.
  for name in "$database" "$schema" "$table" "$key" ${columns//,/ }; do
    if ! [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
      echo "eng/dump-compare.sh: '$name' is not a plain name (letters, digits, _)" >&2; exit 2
    fi
  done
  my_columns='' pg_columns=''
  for column in ${columns//,/ }; do
    my_columns+="${my_columns:+, }IFNULL(\`$column\`, 'NULL')"
    pg_columns+="${pg_columns:+, }coalesce(\"$column\"::text, 'NULL')"
  done
  my_query="SELECT $my_columns FROM \`$table\` ORDER BY \`$key\`"
  pg_query="SELECT $pg_columns FROM \"$schema\".\"$table\" ORDER BY \"$key\""
else
  database=${1:-dualwrite_sample_old}
  schema=${2:-dualwrite_sample_new}
  table=orders
  my_query="
  SELECT customer_id, order_no, status, total, DATE_FORMAT(placed_at, '%Y-%m-%d %H:%i:%s.%f'),
         IFNULL(details, 'NULL'), IFNULL(HEX(receipt), 'NULL'), _dw_version
    FROM orders ORDER BY customer_id, order_no"
  pg_query="
  SELECT customer_id, order_no, status, total, to_char(placed_at, 'YYYY-MM-DD HH24:MI:SS.US'),
         coalesce(details::text, 'NULL'), coalesce(upper(encode(receipt, 'hex')), 'NULL'), _dw_version
    FROM \"$schema\".orders ORDER BY customer_id, order_no"
fi

MYSQL_PWD="$DUALWRITE_MYSQL_PASSWORD" mariadb --no-defaults -h "$DUALWRITE_MYSQL_HOST" -P "$mysql_port" \
  -u "$DUALWRITE_MYSQL_USER" -N -B -D "$database" -e "$my_query" > "$out/mariadb.tsv"

PGPASSWORD="$DUALWRITE_PG_PASSWORD" psql -X -q -h "$DUALWRITE_PG_HOST" -p "$pg_port" -U "$DUALWRITE_PG_USER" \
  -d "$DUALWRITE_PG_DATABASE" -v ON_ERROR_STOP=1 -A -t -F $'\t' -c "$pg_query" > "$out/postgresql.tsv"

echo "mariadb \`$database\`.$table: $(wc -l < "$out/mariadb.tsv") rows; psql \"$schema\".$table: $(wc -l < "$out/postgresql.tsv") rows"
if diff -q "$out/mariadb.tsv" "$out/postgresql.tsv" >/dev/null; then
  echo "dumps identical"
else
  echo "dumps differ (< mariadb, > psql):"
  diff "$out/mariadb.tsv" "$out/postgresql.tsv" | head -20 || true
  echo "source lines not in target: $(diff "$out/mariadb.tsv" "$out/postgresql.tsv" | grep -c '^<' || true)"
  echo "target lines not in source: $(diff "$out/mariadb.tsv" "$out/postgresql.tsv" | grep -c '^>' || true)"
  exit 1
fi
