# shellcheck shell=bash disable=SC2034  # PG_DATA, PG_STARTED: read by callers
# A private PostgreSQL 15 cluster for the gateway, its tests and its
# benchmarks. Sourced by scripts/run, scripts/test and bench/.
#
#   pg_cluster_start DATADIR PORT [durable|fast]
#       initdb DATADIR if needed, (re)write its settings, start it unless it
#       already runs, and set up the gateway's role and database. Sets
#       PG_DATA (the data directory in use) and PG_STARTED (1 when this call
#       started the server, 0 when it was already running).
#   pg_cluster_stop DATADIR        fast shutdown, if it runs
#   pg_setup_app PORT              role siao_gateway, database siao, pg_trgm
#   pg_setup_test PORT             role siao_test (CREATEDB), pg_trgm in template1
#   pg_psql PORT DBNAME [ARGS...]  psql as the superuser postgres over TCP
#   pg_free_port FIRST [LAST]      prints the first port nobody listens on
#   pg_resolve_datadir DATADIR     prints the data directory in use for DATADIR
#
# initdb and postgres refuse to run as root: as root, they run as the OS user
# postgres, which owns the data directory. When that user cannot reach
# DATADIR (a repository under a private home, say), the cluster lives in a
# directory made under /tmp instead, and DATADIR.location records where.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_OS_USER=${PG_OS_USER:-postgres}
PG_DATA=
PG_STARTED=0

_pg_is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command as the owner of the cluster's files.
_pg_as_owner() {
  if _pg_is_root; then
    (cd / && runuser -u "$PG_OS_USER" -- "$@")
  else
    "$@"
  fi
}

_pg_abspath() {
  case $1 in
  /*) printf '%s\n' "${1%/}" ;;
  *) printf '%s\n' "$PWD/${1%/}" ;;
  esac
}

# Prints the data directory in use for DATADIR, without creating anything.
pg_resolve_datadir() {
  local want
  want=$(_pg_abspath "$1")
  if [ -f "$want.location" ] && [ ! -e "$want" ]; then
    cat "$want.location"
  else
    printf '%s\n' "$want"
  fi
}

# Makes the data directory exist with the right owner; prints its path.
_pg_prepare_datadir() {
  local want parent data
  want=$(_pg_abspath "$1")
  data=$(pg_resolve_datadir "$want")
  if [ "$data" != "$want" ] && [ -d "$data" ]; then
    printf '%s\n' "$data"
    return 0
  fi
  data=$want
  parent=$(dirname "$data")
  mkdir -p "$parent"
  if _pg_is_root && ! runuser -u "$PG_OS_USER" -- test -x "$parent" 2>/dev/null; then
    data=$(mktemp -d /tmp/siao-pg.XXXXXX)
    printf '%s\n' "$data" >"$want.location"
    echo "pg: $PG_OS_USER cannot reach $parent; the cluster lives in $data" >&2
  fi
  mkdir -p "$data"
  if _pg_is_root; then
    chown "$PG_OS_USER:" "$data"
  fi
  chmod 700 "$data"
  printf '%s\n' "$data"
}

# Unix socket paths are limited to about 100 bytes: use DATADIR/run when the
# socket path fits, /tmp otherwise.
_pg_socket_dir() {
  local data=$1 port=$2
  local dir="$data/run"
  if [ $((${#dir} + ${#port} + 11)) -lt 100 ]; then
    printf '%s\n' "$dir"
  else
    printf '/tmp\n'
  fi
}

_pg_quote() { printf "'%s'" "${1//\'/\'\'}"; }

_pg_locale() {
  if locale -a 2>/dev/null | grep -qixE 'c\.utf-?8'; then
    echo C.UTF-8
  else
    echo C
  fi
}

pg_psql() {
  local port=$1 db=$2
  shift 2
  PGCONNECT_TIMEOUT=10 PGOPTIONS='-c client_min_messages=warning' "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    "host=127.0.0.1 port=$port user=postgres dbname=$db" "$@"
}

pg_cluster_start() {
  local want=${1:?pg_cluster_start DATADIR PORT [durable|fast]}
  local port=${2:?pg_cluster_start DATADIR PORT [durable|fast]}
  local mode=${3:-durable}
  case $mode in durable | fast) ;; *)
    echo "pg: mode must be durable or fast, not '$mode'" >&2
    return 2
    ;;
  esac
  local data sockdir out
  PG_STARTED=0
  data=$(_pg_prepare_datadir "$want") || return 1
  PG_DATA=$data

  if [ ! -f "$data/PG_VERSION" ]; then
    local sync=()
    [ "$mode" = fast ] && sync=(--no-sync)
    if ! out=$(_pg_as_owner "$PG_BIN/initdb" -D "$data" --auth=trust \
      --username=postgres --encoding=UTF8 --locale="$(_pg_locale)" \
      --no-instructions "${sync[@]}" 2>&1); then
      printf '%s\n' "$out" >&2
      echo "pg: initdb failed in $data" >&2
      return 1
    fi
    printf "\ninclude_if_exists = 'siao.conf'\n" >>"$data/postgresql.conf"
  fi

  if _pg_as_owner "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    echo "PostgreSQL 15 already running on 127.0.0.1:$port (data: $want)"
  else
    sockdir=$(_pg_socket_dir "$data" "$port")
    if [ "$sockdir" != /tmp ]; then
      mkdir -p "$sockdir"
      _pg_is_root && chown "$PG_OS_USER:" "$sockdir"
      chmod 755 "$sockdir"
    fi
    {
      echo "# Written by scripts/lib/pg.sh at each start; edit there."
      echo "listen_addresses = '127.0.0.1'"
      echo "port = $port"
      echo "unix_socket_directories = $(_pg_quote "$sockdir")"
      echo "max_connections = 200"
      # Sized for a gateway that writes every exchange: room in memory for the
      # hot tables, and checkpoints spread out instead of forced by WAL volume.
      echo "shared_buffers = ${PG_SHARED_BUFFERS:-1GB}"
      echo "wal_buffers = 16MB"
      echo "max_wal_size = 8GB"
      echo "checkpoint_timeout = 15min"
      echo "checkpoint_completion_target = 0.9"
      if [ "$mode" = fast ]; then
        echo "fsync = off"
        echo "synchronous_commit = off"
        echo "full_page_writes = off"
      fi
    } >"$data/siao.conf"
    _pg_is_root && chown "$PG_OS_USER:" "$data/siao.conf"

    if ! out=$(_pg_as_owner "$PG_BIN/pg_ctl" -D "$data" -l "$data/log" -w -t 60 start 2>&1); then
      printf '%s\n' "$out" >&2
      echo "pg: could not start the cluster in $data; end of $data/log:" >&2
      tail -n 20 "$data/log" >&2 2>/dev/null || true
      return 1
    fi
    PG_STARTED=1
    echo "PostgreSQL 15 started on 127.0.0.1:$port ($mode, data: $want)"
  fi

  pg_setup_app "$port"
}

pg_cluster_stop() {
  local data
  data=$(pg_resolve_datadir "${1:?pg_cluster_stop DATADIR}")
  [ -f "$data/PG_VERSION" ] || return 0
  if _pg_as_owner "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    _pg_as_owner "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
  fi
}

# Creates ROLE with ATTRIBUTES, or brings an existing one to them.
_pg_ensure_role() {
  local port=$1 role=$2 attributes=$3
  pg_psql "$port" postgres <<SQL || return 1
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$role') THEN
    CREATE ROLE $role $attributes;
  ELSE
    ALTER ROLE $role $attributes;
  END IF;
END
\$\$;
SQL
}

pg_setup_app() {
  local port=${1:?pg_setup_app PORT}
  _pg_ensure_role "$port" siao_gateway "LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB" || return 1
  pg_psql "$port" postgres <<'SQL' || return 1
SELECT 'CREATE DATABASE siao OWNER siao_gateway ENCODING ''UTF8'' TEMPLATE template0'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'siao') \gexec
SQL
  pg_psql "$port" siao -c 'CREATE EXTENSION IF NOT EXISTS pg_trgm'
}

pg_setup_test() {
  local port=${1:?pg_setup_test PORT}
  _pg_ensure_role "$port" siao_test "LOGIN CREATEDB NOSUPERUSER NOCREATEROLE" || return 1
  # Databases the tests create from template1 come with pg_trgm.
  pg_psql "$port" template1 -c 'CREATE EXTENSION IF NOT EXISTS pg_trgm'
}

# True when something accepts TCP connections on 127.0.0.1:PORT.
_pg_port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pg_free_port() {
  local port=${1:?pg_free_port FIRST [LAST]} last=${2:-$(($1 + 100))}
  while [ "$port" -le "$last" ]; do
    if ! _pg_port_busy "$port" && [ ! -e "/tmp/.s.PGSQL.$port.lock" ]; then
      echo "$port"
      return 0
    fi
    port=$((port + 1))
  done
  echo "pg: no free port between $1 and $last" >&2
  return 1
}
