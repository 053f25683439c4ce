#!/usr/bin/env bash
# The main job: starts a local MariaDB and PostgreSQL (installing them when missing), then
#  1. loads a small sample schema, inspects it with `dualwrite mysql inspect`, makes a few live
#     changes and shows them as the binlog reader decodes them (`dualwrite cdc tail`);
#  2. runs the sample orders service's migration from MariaDB to PostgreSQL through all five phases
#     and back under live traffic and a plain-SQL writer beside it (docs/sample-orders.md), then
#     dumps both sides with the stock clients and compares them (eng/dump-compare.sh);
#  3. moves a live table into PostgreSQL: sysbench's sbtest1 is imported from consistent snapshots
#     and caught up from the binlog while `sysbench oltp_write_only` keeps writing, then compared row
#     by row; the sample orders table follows (docs/backfill.md).
# DEMO_ROWS (default 200000) sets the size of sbtest1.
set -euo pipefail
cd "$(dirname "$0")/.."

eng/services.sh up all
eval "$(eng/services.sh env)"

demo_db=dualwrite_demo
mariadb --no-defaults -h "$DUALWRITE_MYSQL_HOST" -P "$DUALWRITE_MYSQL_PORT" -u "$DUALWRITE_MYSQL_USER" \
  -p"$DUALWRITE_MYSQL_PASSWORD" <<SQL
CREATE DATABASE IF NOT EXISTS \`$demo_db\` CHARACTER SET utf8mb4;
USE \`$demo_db\`;
CREATE TABLE IF NOT EXISTS customers (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(190) NOT NULL UNIQUE,
  name VARCHAR(200) NOT NULL,
  created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE=InnoDB;
CREATE TABLE IF NOT EXISTS orders (
  customer_id BIGINT UNSIGNED NOT NULL,
  order_no INT NOT NULL,
  status ENUM('new','paid','shipped','cancelled') NOT NULL DEFAULT 'new',
  total DECIMAL(12,2) NOT NULL,
  details JSON NULL,
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (customer_id, order_no)
) ENGINE=InnoDB;
INSERT IGNORE INTO customers (id, email, name) VALUES
  (1, 'ada@example.com', 'Ada Lovelace'), (2, 'grace@example.com', 'Grace Hopper'), (3, 'edsger@example.com', 'Edsger Dijkstra');
INSERT IGNORE INTO orders (customer_id, order_no, status, total, details) VALUES
  (1, 1, 'paid', 120.50, '{"items": 2}'), (1, 2, 'new', 9.99, NULL), (2, 1, 'shipped', 1999.00, '{"items": 1, "gift": true}');
SQL

dotnet build src/DualWrite.Cli -c Release -v q -nologo >/dev/null
dotnet build src/DualWrite.Samples.Orders -c Release -v q -nologo >/dev/null
dualwrite() { dotnet src/DualWrite.Cli/bin/Release/net10.0/dualwrite.dll "$@"; }

dualwrite mysql inspect --database "$demo_db" --require-cdc

export MYSQL_PWD="$DUALWRITE_MYSQL_PASSWORD"
sql() { mariadb --no-defaults -h "$DUALWRITE_MYSQL_HOST" -P "$DUALWRITE_MYSQL_PORT" -u "$DUALWRITE_MYSQL_USER" -N -D "$demo_db" -e "$1"; }
start=$(sql "SHOW MASTER STATUS" | awk '{print $1 ":" $2}')
echo
echo "Live changes from $start, as the binlog reader decodes them:"
run="demo-$(date +%s)"
sql "INSERT INTO customers (email, name) VALUES ('$run@example.com', 'Barbara Liskov');
     UPDATE orders SET status = 'shipped', total = total + 0.01 WHERE customer_id = 1 AND order_no = 1;
     START TRANSACTION;
       INSERT INTO orders (customer_id, order_no, status, total, details)
         SELECT id, 100 + (UNIX_TIMESTAMP() % 1000), 'new', 42.00, JSON_OBJECT('run', '$run') FROM customers WHERE email = '$run@example.com';
       DELETE FROM orders WHERE customer_id = 2 AND order_no = 1;
     COMMIT;
     ALTER TABLE customers COMMENT = '$run';"
dualwrite cdc tail --database "$demo_db" --from "$start" --stop-at-end

echo
echo "The sample orders service, migrated through all five phases and back while its clients keep working:"
dotnet src/DualWrite.Samples.Orders/bin/Release/net10.0/dualwrite-sample-orders.dll
echo
echo "Both sides of the sample orders table, dumped by the stock clients (mariadb, psql) and compared:"
eng/dump-compare.sh dualwrite_sample_old dualwrite_sample_new

echo
echo "== A live table moved into PostgreSQL =="
if ! command -v sysbench >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq sysbench >/dev/null; else sudo apt-get install -y -qq sysbench >/dev/null; fi
fi
rows=${DEMO_ROWS:-200000}
sysbench_args=(--db-driver=mysql --mysql-host="$DUALWRITE_MYSQL_HOST" --mysql-port="$DUALWRITE_MYSQL_PORT"
  --mysql-user="$DUALWRITE_MYSQL_USER" --mysql-password="$DUALWRITE_MYSQL_PASSWORD" --mysql-db=sbtest --tables=1 --table-size="$rows")
mariadb --no-defaults -h "$DUALWRITE_MYSQL_HOST" -P "$DUALWRITE_MYSQL_PORT" -u "$DUALWRITE_MYSQL_USER" -e 'DROP DATABASE IF EXISTS sbtest; CREATE DATABASE sbtest'
echo "Preparing sbtest.sbtest1 with $rows rows (sysbench oltp_read_write prepare)..."
sysbench oltp_read_write "${sysbench_args[@]}" prepare >/dev/null
dualwrite plan validate migration-plans/sbtest.yaml

echo
echo "Write load: sysbench oltp_write_only, 2 threads, 25 s. Meanwhile: snapshot import, then binlog catch-up until caught up."
sysbench oltp_write_only "${sysbench_args[@]}" --threads=2 --time=25 --report-interval=0 run > /tmp/dualwrite-demo-sysbench.log &
load=$!
sleep 1
dualwrite backfill run --plan migration-plans/sbtest.yaml --resnapshot
echo
echo "Caught up while the load still runs; waiting for the load to end..."
wait "$load"
grep -E "transactions:|queries:" /tmp/dualwrite-demo-sysbench.log || true
echo
echo "Applying the last changes, then comparing both sides row by row:"
dualwrite backfill run --plan migration-plans/sbtest.yaml --compare

echo
echo "The sample orders table (composite key, JSON, DECIMAL, DATETIME(6), ENUM, BLOB; versions from its _dw_version column):"
dualwrite backfill run --plan migration-plans/orders.yaml --resnapshot --compare

echo
echo "== The operator's loop on the sample orders table: reconcile, read the report, advance through the gates, roll back =="
echo "The catch-up keeps running in the background (the cdc-lag gate needs it); its output: /tmp/dualwrite-demo-follow.log"
dualwrite backfill run --plan migration-plans/orders.yaml --follow > /tmp/dualwrite-demo-follow.log 2>&1 &
follow=$!
trap 'kill "$follow" 2>/dev/null || true' EXIT
loop=(--entity orders --database "$demo_db" --actor demo)
dualwrite phase init "${loop[@]}"
dualwrite phase rollback "${loop[@]}" --to OldOnly --reason "demo: start from the old store" >/dev/null 2>&1 || true
dualwrite phase advance "${loop[@]}" --plan migration-plans/orders.yaml --reason "demo: import and catch-up running"
echo
echo "Advancing again before any reconcile since that move: the reconciled gate refuses."
if dualwrite phase advance "${loop[@]}" --plan migration-plans/orders.yaml --reason "demo: no reconcile yet"; then
  echo "error: the move was not refused"; exit 1
fi
for next in DualWriteReadOld DualWriteReadNew NewOnly; do
  echo
  echo "Reconcile, then advance to $next:"
  dualwrite reconcile --plan migration-plans/orders.yaml --format json --output /tmp/dualwrite-demo-orders.json
  dualwrite reconcile --plan migration-plans/orders.yaml --format html --output /tmp/dualwrite-demo-orders.html
  dualwrite reconcile --plan migration-plans/orders.yaml
  dualwrite phase advance "${loop[@]}" --plan migration-plans/orders.yaml --reason "demo: reconciled clean, see /tmp/dualwrite-demo-orders.html"
done
echo
echo "Rolling back to the old store in one step (never gated):"
dualwrite phase rollback "${loop[@]}" --to DualWriteReadOld --reason "demo: back to reading the old store"
dualwrite phase history --entity orders --database "$demo_db"
echo "The last reports: /tmp/dualwrite-demo-orders.json (docs/reconcile.schema.json), /tmp/dualwrite-demo-orders.html"
echo
echo "== The phase dashboard on the sample =="
echo "The sample's entity 'orders' keeps its phase in dualwrite_sample_old (the sample's control tables). Open the dashboard on it:"
echo
echo "  eval \"\$(eng/services.sh env)\""
echo "  export DUALWRITE_DASHBOARD_TOKEN=\$(openssl rand -hex 24)          # the operator's token; a viewer's: DUALWRITE_DASHBOARD_VIEWER_TOKEN"
echo "  echo \"\$DUALWRITE_DASHBOARD_TOKEN\"                                  # to paste on the login page"
echo "  dotnet src/DualWrite.Cli/bin/Release/net10.0/dualwrite.dll dashboard --plan migration-plans/orders.yaml --database dualwrite_sample_old"
echo
echo "then browse to http://127.0.0.1:5080 (docs/dashboard.md). The plan's cdc-lag gate wants the catch-up running beside it:"
echo "  dotnet src/DualWrite.Cli/bin/Release/net10.0/dualwrite.dll backfill run --plan migration-plans/orders.yaml --follow"
