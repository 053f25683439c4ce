#!/usr/bin/env bash
# Installs (when missing) and runs the real servers DualWrite's demo, tests and
# benchmarks use: MariaDB 10.11 with a row-based binlog and TLS, and PostgreSQL.
# Both listen on loopback only and keep their data under $DUALWRITE_SERVICES_DIR.
#
#   eng/services.sh up [mariadb|mariadb-faults|postgres|postgres-faults|chromium|kubectl|all]  install if needed, start (idempotent);
#                                                 chromium is only installed: the dashboard's browser tests drive it;
#                                                 kubectl is only checked or installed: the deployment tests render the
#                                                 manifests with `kubectl kustomize`
#   eng/services.sh down [mariadb|mariadb-faults|postgres|postgres-faults|all]  stop
#   eng/services.sh status                       say what runs where
#   eng/services.sh env                          print the environment variables, for eval
#   eng/services.sh reset                        stop and delete all data
#
# Every setting comes from an environment variable with the default shown in
# env_defaults below; the tests, the CLI and the benchmarks read the same ones.
#
# mariadb-faults is a second MariaDB, configured like the first, on its own port and data directory:
# the tests and fault runs that kill, restart, purge or reconfigure a server use it, so that nothing
# they do reaches the tests running on the first one at the same time. postgres-faults is the same for
# PostgreSQL (port DUALWRITE_PG_FAULTS_PORT): the fault campaign restarts and pauses it.
set -euo pipefail

env_defaults() {
  : "${DUALWRITE_SERVICES_DIR:=/tmp/dualwrite-services}"
  : "${DUALWRITE_MYSQL_HOST:=127.0.0.1}"
  : "${DUALWRITE_MYSQL_PORT:=33306}"
  : "${DUALWRITE_MYSQL_USER:=dualwrite}"
  : "${DUALWRITE_MYSQL_PASSWORD:=dualwrite-local-only}"
  : "${DUALWRITE_MYSQL_DATABASE:=dualwrite}"
  : "${DUALWRITE_MYSQL_FAULTS_PORT:=33307}"
  : "${DUALWRITE_PG_HOST:=127.0.0.1}"
  : "${DUALWRITE_PG_PORT:=55432}"
  : "${DUALWRITE_PG_FAULTS_PORT:=55433}"
  : "${DUALWRITE_PG_USER:=dualwrite}"
  : "${DUALWRITE_PG_PASSWORD:=dualwrite-local-only}"
  : "${DUALWRITE_PG_DATABASE:=dualwrite}"
  export DUALWRITE_SERVICES_DIR DUALWRITE_MYSQL_HOST DUALWRITE_MYSQL_PORT DUALWRITE_MYSQL_USER \
    DUALWRITE_MYSQL_PASSWORD DUALWRITE_MYSQL_DATABASE DUALWRITE_MYSQL_FAULTS_PORT DUALWRITE_PG_HOST DUALWRITE_PG_PORT \
    DUALWRITE_PG_FAULTS_PORT DUALWRITE_PG_USER DUALWRITE_PG_PASSWORD DUALWRITE_PG_DATABASE
  export DUALWRITE_MYSQL_TLS_CA="$DUALWRITE_SERVICES_DIR/tls/ca.pem"
}
env_defaults

# The MariaDB instance the mariadb_* functions act on: `use_mariadb main` or `use_mariadb faults`.
use_mariadb() {
  case "$1" in
    main) MY_NAME=mariadb; MY_PORT="$DUALWRITE_MYSQL_PORT"; MY_SERVER_ID=1 ;;
    faults) MY_NAME=mariadb-faults; MY_PORT="$DUALWRITE_MYSQL_FAULTS_PORT"; MY_SERVER_ID=2 ;;
  esac
  MY_DIR="$DUALWRITE_SERVICES_DIR/$MY_NAME"
  MY_SOCK="$MY_DIR/mysqld.sock"
  MY_PID="$MY_DIR/mysqld.pid"
}
use_mariadb main
# The PostgreSQL instance the postgres_* functions act on: `use_postgres main` or `use_postgres faults`.
use_postgres() {
  case "$1" in
    main) PG_NAME=postgres; PG_PORT="$DUALWRITE_PG_PORT" ;;
    faults) PG_NAME=postgres-faults; PG_PORT="$DUALWRITE_PG_FAULTS_PORT" ;;
  esac
  PG_DIR="$DUALWRITE_SERVICES_DIR/$PG_NAME"
}
use_postgres main
TLS_DIR="$DUALWRITE_SERVICES_DIR/tls"

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] error: %s\n' "$*" >&2; exit 1; }

# Closes every descriptor above stderr in the current (sub)shell: a server started from it then keeps
# none of its caller's open for its whole life (a lock a test runner holds, a pipe a harness reads).
close_inherited_fds() {
  local fd
  for fd in /proc/"$BASHPID"/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "apt-get not found; install ${missing[*]} by hand"
  log "installing ${missing[*]} (apt-get)"
  if [ "$APT_UPDATED" -eq 0 ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  # The packages' own init scripts may try to start system instances; ours are separate.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

mysql_root() { mariadb --no-defaults --protocol=socket --socket="$MY_SOCK" -uroot "$@"; }

mariadb_running() { [ -S "$MY_SOCK" ] && mariadb-admin --no-defaults --socket="$MY_SOCK" -uroot ping >/dev/null 2>&1; }

make_tls() {
  [ -f "$TLS_DIR/server-key.pem" ] && return 0
  apt_install openssl
  mkdir -p "$TLS_DIR"
  log "creating a self-signed CA and server certificate in $TLS_DIR"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=DualWrite local test CA" \
    -keyout "$TLS_DIR/ca-key.pem" -out "$TLS_DIR/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$TLS_DIR/server-key.pem" -out "$TLS_DIR/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' > "$TLS_DIR/ext.cnf"
  openssl x509 -req -in "$TLS_DIR/server.csr" -CA "$TLS_DIR/ca.pem" -CAkey "$TLS_DIR/ca-key.pem" \
    -CAcreateserial -days 3650 -extfile "$TLS_DIR/ext.cnf" -out "$TLS_DIR/server-cert.pem" 2>/dev/null
  # A second, unrelated CA: tests use it to prove an untrusted certificate is refused.
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=DualWrite unrelated CA" \
    -keyout "$TLS_DIR/other-ca-key.pem" -out "$TLS_DIR/other-ca.pem" 2>/dev/null
  chmod 644 "$TLS_DIR"/*.pem
}

mariadb_up() {
  apt_install mariadb-server mariadb-client
  if mariadb_running; then log "$MY_NAME already running on $DUALWRITE_MYSQL_HOST:$MY_PORT"; return 0; fi
  make_tls
  mkdir -p "$MY_DIR"
  if [ ! -d "$MY_DIR/data/mysql" ]; then
    log "initialising $MY_NAME data directory $MY_DIR/data"
    mariadb-install-db --no-defaults --datadir="$MY_DIR/data" --user="$(id -un)" \
      --auth-root-authentication-method=socket >"$MY_DIR/install.log" 2>&1 \
      || { cat "$MY_DIR/install.log" >&2; die "mariadb-install-db failed"; }
  fi
  log "starting $MY_NAME on $DUALWRITE_MYSQL_HOST:$MY_PORT"
  rm -f "$MY_SOCK"
  local user_opt=()
  [ "$(id -u)" -eq 0 ] && user_opt=(--user=root)
  ( close_inherited_fds; exec setsid mariadbd --no-defaults "${user_opt[@]}" \
    --datadir="$MY_DIR/data" --socket="$MY_SOCK" --pid-file="$MY_PID" \
    --port="$MY_PORT" --bind-address="$DUALWRITE_MYSQL_HOST" \
    --log-error="$MY_DIR/error.log" \
    --log-bin="$MY_DIR/data/binlog" --binlog-format=ROW --binlog-row-image=FULL \
    --binlog-row-metadata=FULL --server-id="$MY_SERVER_ID" --log-slave-updates \
    --ssl-ca="$TLS_DIR/ca.pem" --ssl-cert="$TLS_DIR/server-cert.pem" --ssl-key="$TLS_DIR/server-key.pem" \
    --max-allowed-packet=1G --max-connections=500 \
    --innodb-buffer-pool-size=1G --innodb-log-file-size=512M \
    --innodb-flush-log-at-trx-commit=2 --sync-binlog=0 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    </dev/null >/dev/null 2>&1 ) &
  for _ in $(seq 1 120); do
    mariadb_running && break
    sleep 0.5
  done
  mariadb_running || { tail -n 30 "$MY_DIR/error.log" >&2 || true; die "$MY_NAME did not start (log: $MY_DIR/error.log)"; }
  local pw="${DUALWRITE_MYSQL_PASSWORD//\'/\'\'}"
  local u="$DUALWRITE_MYSQL_USER"
  mysql_root <<SQL
DELETE FROM mysql.global_priv WHERE User = '';
FLUSH PRIVILEGES;
CREATE USER IF NOT EXISTS '$u'@'%' IDENTIFIED BY '$pw';
CREATE USER IF NOT EXISTS '$u'@'localhost' IDENTIFIED BY '$pw';
CREATE USER IF NOT EXISTS '$u'@'127.0.0.1' IDENTIFIED BY '$pw';
ALTER USER '$u'@'%' IDENTIFIED BY '$pw';
ALTER USER '$u'@'localhost' IDENTIFIED BY '$pw';
ALTER USER '$u'@'127.0.0.1' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON *.* TO '$u'@'%' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$u'@'localhost' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$u'@'127.0.0.1' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS \`$DUALWRITE_MYSQL_DATABASE\` CHARACTER SET utf8mb4;
SQL
  log "$MY_NAME ready: user $u, database $DUALWRITE_MYSQL_DATABASE, TLS CA $TLS_DIR/ca.pem"
}

mariadb_down() {
  if mariadb_running; then
    log "stopping $MY_NAME"
    mariadb-admin --no-defaults --socket="$MY_SOCK" -uroot shutdown || true
  fi
  if [ -f "$MY_PID" ] && kill -0 "$(cat "$MY_PID")" 2>/dev/null; then
    kill "$(cat "$MY_PID")" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$(cat "$MY_PID")" 2>/dev/null || break; sleep 0.5; done
  fi
  rm -f "$MY_SOCK"
}

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] || die "PostgreSQL binaries not found under /usr/lib/postgresql"
  printf '%s' "$d"
}

as_pg() {
  # PostgreSQL refuses to run as root: use the postgres account the package creates.
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

pg_running() { [ -f "$PG_DIR/data/postmaster.pid" ] && as_pg "'$(pg_bin)/pg_ctl' -D '$PG_DIR/data' status" >/dev/null 2>&1; }

postgres_up() {
  apt_install postgresql postgresql-client
  if pg_running; then log "$PG_NAME already running on $DUALWRITE_PG_HOST:$PG_PORT"; return 0; fi
  local bin; bin=$(pg_bin)
  mkdir -p "$PG_DIR"
  chmod 755 "$DUALWRITE_SERVICES_DIR"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DIR"
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    log "initialising PostgreSQL data directory $PG_DIR/data"
    as_pg "'$bin/initdb' -D '$PG_DIR/data' -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8" \
      >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
  fi
  log "starting $PG_NAME on $DUALWRITE_PG_HOST:$PG_PORT"
  ( close_inherited_fds; as_pg "'$bin/pg_ctl' -D '$PG_DIR/data' -l '$PG_DIR/server.log' -w -t 60 \
    -o \"-p $PG_PORT -k $PG_DIR -c listen_addresses=$DUALWRITE_PG_HOST -c fsync=off -c max_connections=300\" start" >/dev/null ) \
    || { tail -n 30 "$PG_DIR/server.log" >&2 || true; die "PostgreSQL did not start"; }
  local pw="${DUALWRITE_PG_PASSWORD//\'/\'\'}"
  local psql=("$bin/psql" -h "$PG_DIR" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -q)
  as_pg "$(printf '%q ' "${psql[@]}") -d postgres" <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DUALWRITE_PG_USER') THEN
    CREATE ROLE "$DUALWRITE_PG_USER" LOGIN SUPERUSER;
  END IF;
END \$\$;
ALTER ROLE "$DUALWRITE_PG_USER" WITH PASSWORD '$pw';
SELECT 'CREATE DATABASE "$DUALWRITE_PG_DATABASE" OWNER "$DUALWRITE_PG_USER"'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DUALWRITE_PG_DATABASE')\gexec
SQL
  log "$PG_NAME ready: user $DUALWRITE_PG_USER, database $DUALWRITE_PG_DATABASE"
}

postgres_down() {
  if pg_running; then
    log "stopping $PG_NAME"
    as_pg "'$(pg_bin)/pg_ctl' -D '$PG_DIR/data' -m fast -w stop" >/dev/null || true
  fi
}

status() {
  local instance
  for instance in main faults; do
    use_mariadb "$instance"
    if mariadb_running; then
      printf '%-16s running  %s:%s  data %s\n' "$MY_NAME:" "$DUALWRITE_MYSQL_HOST" "$MY_PORT" "$MY_DIR/data"
    else
      printf '%-16s stopped\n' "$MY_NAME:"
    fi
  done
  for instance in main faults; do
    use_postgres "$instance"
    if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
      printf '%-16s not installed\n' "$PG_NAME:"
    elif pg_running; then
      printf '%-16s running  %s:%s  data %s\n' "$PG_NAME:" "$DUALWRITE_PG_HOST" "$PG_PORT" "$PG_DIR/data"
    else
      printf '%-16s stopped\n' "$PG_NAME:"
    fi
  done
}

print_env() {
  for v in DUALWRITE_SERVICES_DIR DUALWRITE_MYSQL_HOST DUALWRITE_MYSQL_PORT DUALWRITE_MYSQL_USER \
    DUALWRITE_MYSQL_PASSWORD DUALWRITE_MYSQL_DATABASE DUALWRITE_MYSQL_TLS_CA DUALWRITE_PG_HOST \
    DUALWRITE_PG_PORT DUALWRITE_PG_FAULTS_PORT DUALWRITE_PG_USER DUALWRITE_PG_PASSWORD DUALWRITE_PG_DATABASE; do
    printf 'export %s=%q\n' "$v" "${!v}"
  done
}

# Debian's chromium for the dashboard's browser tests (Playwright drives it by its path; it never downloads a browser).
chromium_up() {
  apt_install chromium
  log "chromium: $(command -v chromium) ($(chromium --version 2>/dev/null || echo 'version unknown'))"
}

# kubectl for the deployment tests (tests/DualWrite.Deploy.Tests): they render deploy/kubernetes with `kubectl kustomize`,
# which needs kustomize v5 (kubectl 1.27 or later). The package `kubectl` comes from the Kubernetes project's apt
# repository, or a vendor's (the Google Cloud CLI's package of that name); Debian's own package kubernetes-client is kubectl
# 1.20 with kustomize v2, which cannot render them, so it is no fallback. Returns non-zero, saying why, when no usable
# kubectl is at hand.
kubectl_up() {
  if ! command -v kubectl >/dev/null 2>&1; then
    if [ "$APT_UPDATED" -eq 0 ] && command -v apt-get >/dev/null; then as_root apt-get update -qq; APT_UPDATED=1; fi
    if apt-cache policy kubectl 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      apt_install kubectl
    else
      log "kubectl not found, and no apt source offers the package kubectl: add the Kubernetes project's apt repository, or put kubectl 1.27 or later on PATH"
      return 1
    fi
  fi
  local version major
  version=$(kubectl version --client --output=json 2>/dev/null | sed -n 's/.*"kustomizeVersion": *"\(v[0-9.]*\)".*/\1/p')
  major=${version#v}; major=${major%%.*}
  if [ "${major:-0}" -lt 5 ]; then
    log "$(command -v kubectl) has kustomize ${version:-v2 or older}; the deployment tests need kustomize v5 (kubectl 1.27 or later)"
    return 1
  fi
  log "kubectl: $(command -v kubectl) (kustomize $version)"
}

cmd="${1:-status}"
what="${2:-all}"
case "$cmd" in
  up)
    case "$what" in
      mariadb) mariadb_up ;; mariadb-faults) use_mariadb faults; mariadb_up ;; postgres) postgres_up ;;
      postgres-faults) use_postgres faults; postgres_up ;;
      chromium) chromium_up ;;
      kubectl) kubectl_up ;;
      # Without kubectl the rest of the suite still runs; the deployment tests then fail, saying how to install it.
      all) mariadb_up; use_mariadb faults; mariadb_up; postgres_up; use_postgres faults; postgres_up; chromium_up
        kubectl_up || log "warning: no usable kubectl; the deployment tests will fail" ;;
      *) die "unknown service '$what' (mariadb, mariadb-faults, postgres, postgres-faults, chromium, kubectl, all)" ;;
    esac ;;
  down)
    case "$what" in
      mariadb) mariadb_down ;; mariadb-faults) use_mariadb faults; mariadb_down ;; postgres) postgres_down ;;
      postgres-faults) use_postgres faults; postgres_down ;;
      all) mariadb_down; use_mariadb faults; mariadb_down; postgres_down; use_postgres faults; postgres_down ;;
      *) die "unknown service '$what' (mariadb, mariadb-faults, postgres, postgres-faults, all)" ;;
    esac ;;
  status) status ;;
  env) print_env ;;
  reset) mariadb_down; use_mariadb faults; mariadb_down; postgres_down; use_postgres faults; postgres_down; rm -rf "$DUALWRITE_SERVICES_DIR"; log "removed $DUALWRITE_SERVICES_DIR" ;;
  *) die "unknown command '$cmd' (up, down, status, env, reset)" ;;
esac
