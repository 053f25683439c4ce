#!/usr/bin/env bash
# The main job: starts a local MariaDB (installing it when missing), loads a small sample
# schema, inspects it with `dualwrite mysql inspect`, makes a few live changes and shows
# them as the binlog reader decodes them (`dualwrite cdc tail`), then runs the sample orders
# service's migration through all five phases and back under live traffic (docs/sample-orders.md).
set -euo pipefail
cd "$(dirname "$0")/.."

eng/services.sh up mariadb
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
