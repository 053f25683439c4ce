#!/usr/bin/env bash
# The main job: starts a local MariaDB (installing it when missing), loads a small sample
# schema, and runs `dualwrite mysql inspect` against it.
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

dotnet run --project src/DualWrite.Cli -c Release -- mysql inspect --database "$demo_db" --require-cdc
