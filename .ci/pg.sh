# A throwaway PostgreSQL server for the ledger tests (docs/ledger.md, "Tests").
# The recipe of shared/postgres-ci.md. Source it, call pg_up, run the tests, and call
# pg_down from an EXIT trap. Needs root (for apt-get and runuser); the server itself runs
# as the `postgres` user, on 127.0.0.1 and a free port, in a fresh folder under /tmp.
#
# pg_up exports PGTMP, PGPORT, PGBIN, IG_TEST_PG_URL (the application's role, over TCP with
# a random password) and IG_TEST_PG_ADMIN (the superuser, over the socket).

pg_install() {   # no-op when a server package is there
  if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  fi
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
}
as_pg()    { (cd "$PGTMP" && runuser -u postgres -- "$@"); }
pg_start() { as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 60 start >/dev/null; }
pg_stop()  { as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -m "${1:-fast}" -w -t 60 stop >/dev/null; }
pg_up() {
  pg_install
  PGTMP=$(mktemp -d /tmp/pg-ci.XXXXXX)          # directly under /tmp: postgres must reach it
  chown postgres:postgres "$PGTMP"
  PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  local pw; pw=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  as_pg "$PGBIN/initdb" -D "$PGTMP/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        -E UTF8 --no-locale --no-sync >/dev/null
  cat >>"$PGTMP/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$PGTMP'
fsync = off
CONF
  pg_start
  "$PGBIN/psql" -h "$PGTMP" -p "$PGPORT" -U postgres -d postgres -qAtX -v ON_ERROR_STOP=1 \
       -c "CREATE ROLE ig LOGIN PASSWORD '$pw'" -c "CREATE DATABASE igtest OWNER ig"
  export PGTMP PGPORT PGBIN
  export IG_TEST_PG_URL="postgres://ig:$pw@127.0.0.1:$PGPORT/igtest"
  export IG_TEST_PG_ADMIN="host=$PGTMP port=$PGPORT user=postgres dbname=igtest"
}
pg_down() {
  [ -n "${PGTMP:-}" ] || return 0
  if [ -f "$PGTMP/data/postmaster.pid" ]; then pg_stop fast || pg_stop immediate || true; fi
  rm -rf "$PGTMP"; PGTMP=
}
