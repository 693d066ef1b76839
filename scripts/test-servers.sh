#!/usr/bin/env bash
# Throw-away PostgreSQL and Redis/Valkey servers for the gateway's team-tier tests.
#
#   eval "$(scripts/test-servers.sh start)"          # prints export lines on stdout
#   scripts/test-servers.sh start FILE                # or writes them to FILE (0600)
#   ...run ctest...
#   scripts/test-servers.sh stop "$MOSAIC_TEST_SERVERS_DIR"   # or: stop FILE
#
# start: a temporary directory (mktemp, under ${TMPDIR:-/tmp}) holds everything: a PostgreSQL
# cluster (initdb, scram-sha-256, random password, 127.0.0.1 only, a random free port, its
# unix socket inside the directory, fsync off) and a redis-server (127.0.0.1, a random free
# port, random requirepass, no RDB/AOF persistence). PostgreSQL refuses to run as root, so
# under root it runs as the unprivileged user 'mosaic-test' (created with useradd when
# missing); otherwise as the caller. Waits until both answer, then prints
#   export MOSAIC_TEST_DATABASE_URL=postgresql://mosaic:<pw>@127.0.0.1:<port>/postgres
#   export MOSAIC_TEST_VALKEY_URL=redis://:<pw>@127.0.0.1:<port>/0
#   export MOSAIC_TEST_SERVERS_DIR=<the temporary directory>
# The database user is a superuser: tests create and drop one database each.
# stop: stops both servers and removes the directory (only a directory this script made) and,
# when given the ENV_FILE that start wrote, that file too.
# Needs: postgresql (15) and redis-server (Debian packages). Progress goes to stderr.
set -euo pipefail

pg_user=mosaic-test
marker=.mosaic-test-servers

die() { echo "test-servers: $*" >&2; exit 1; }
say() { echo "test-servers: $*" >&2; }

pg_bindir() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
    return 1
}

# A loopback TCP port nobody listens on right now (never 14242).
free_port() {
    local p i
    for i in $(seq 1 200); do
        p=$((20000 + RANDOM % 40000))
        [ "$p" -eq 14242 ] && continue
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

random_secret() { head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# Runs a command as the PostgreSQL owner.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$pg_user" -- "$@"
    else
        "$@"
    fi
}

start_postgres() {
    local dir=$1 bindir port i
    bindir=$(pg_bindir) || die "PostgreSQL server binaries not found; install the Debian package 'postgresql'"
    if [ "$(id -u)" -eq 0 ] && ! id "$pg_user" >/dev/null 2>&1; then
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$pg_user" \
            || die "cannot create the user '$pg_user'"
    fi
    mkdir -p "$dir/pg/sock"
    random_secret > "$dir/pg/password"
    chmod 0600 "$dir/pg/password"
    if [ "$(id -u)" -eq 0 ]; then
        chown -R "$pg_user" "$dir/pg"
        chmod 0711 "$dir"
    fi
    as_pg "$bindir/initdb" -D "$dir/pg/data" -U mosaic --auth=scram-sha-256 --pwfile="$dir/pg/password" \
        -E UTF8 --locale=C.UTF-8 --no-sync > "$dir/pg/initdb.log" 2>&1 \
        || { cat "$dir/pg/initdb.log" >&2; die "initdb failed"; }
    for i in 1 2 3 4 5; do
        port=$(free_port) || die "no free port for PostgreSQL"
        if as_pg "$bindir/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/pg/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
            start > "$dir/pg/pg_ctl.log" 2>&1; then
            echo "$port" > "$dir/pg/port"
            return 0
        fi
        say "PostgreSQL did not start on port $port; retrying"
    done
    tail -n 30 "$dir/pg/server.log" >&2 || true
    die "PostgreSQL did not start"
}

start_redis() {
    local dir=$1 port i pw
    command -v redis-server >/dev/null || die "redis-server not found; install the Debian package 'redis-server'"
    mkdir -p "$dir/redis"
    pw=$(random_secret)
    echo "$pw" > "$dir/redis/password"
    chmod 0600 "$dir/redis/password"
    for i in 1 2 3 4 5; do
        port=$(free_port) || die "no free port for redis-server"
        cat > "$dir/redis/redis.conf" <<EOF
bind 127.0.0.1
port $port
protected-mode yes
requirepass $pw
save ""
appendonly no
dir $dir/redis
daemonize yes
pidfile $dir/redis/redis.pid
logfile $dir/redis/server.log
EOF
        chmod 0600 "$dir/redis/redis.conf"
        rm -f "$dir/redis/redis.pid"
        redis-server "$dir/redis/redis.conf" >/dev/null 2>&1 || true
        for _ in $(seq 1 100); do
            if [ "$(redis-cli -h 127.0.0.1 -p "$port" --no-auth-warning -a "$pw" ping 2>/dev/null)" = PONG ]; then
                echo "$port" > "$dir/redis/port"
                return 0
            fi
            [ -f "$dir/redis/redis.pid" ] || [ "$_" -lt 20 ] || break
            sleep 0.1
        done
        stop_redis "$dir"
        say "redis-server did not start on port $port; retrying"
    done
    tail -n 30 "$dir/redis/server.log" >&2 || true
    die "redis-server did not start"
}

stop_redis() {
    local dir=$1 pid
    [ -f "$dir/redis/redis.pid" ] || return 0
    pid=$(cat "$dir/redis/redis.pid")
    if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/redis/redis.pid"
}

stop_postgres() {
    local dir=$1 bindir
    [ -f "$dir/pg/data/postmaster.pid" ] || return 0
    bindir=$(pg_bindir) || return 0
    as_pg "$bindir/pg_ctl" -D "$dir/pg/data" -m fast -w -t 60 stop >/dev/null 2>&1 \
        || as_pg "$bindir/pg_ctl" -D "$dir/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
}

cmd_start() {
    local out=${1:-} dir lines
    dir=$(mktemp -d "${TMPDIR:-/tmp}/mosaic-test-servers.XXXXXX")
    touch "$dir/$marker"
    # Any failure (die exits) stops what did start and removes the directory.
    trap 'stop_redis "$dir"; stop_postgres "$dir"; rm -rf "$dir"' EXIT
    say "starting PostgreSQL and redis-server in $dir"
    start_postgres "$dir"
    start_redis "$dir"
    lines="export MOSAIC_TEST_DATABASE_URL=postgresql://mosaic:$(cat "$dir/pg/password")@127.0.0.1:$(cat "$dir/pg/port")/postgres
export MOSAIC_TEST_VALKEY_URL=redis://:$(cat "$dir/redis/password")@127.0.0.1:$(cat "$dir/redis/port")/0
export MOSAIC_TEST_SERVERS_DIR=$dir"
    trap - EXIT
    say "PostgreSQL on 127.0.0.1:$(cat "$dir/pg/port"), redis-server on 127.0.0.1:$(cat "$dir/redis/port")"
    if [ -n "$out" ]; then
        (umask 077; printf '%s\n' "$lines" > "$out")
    else
        printf '%s\n' "$lines"
    fi
}

cmd_stop() {
    local arg=${1:-${MOSAIC_TEST_SERVERS_DIR:-}} dir
    [ -n "$arg" ] || die "usage: test-servers.sh stop DIR|ENV_FILE (or set MOSAIC_TEST_SERVERS_DIR)"
    if [ -f "$arg" ]; then
        dir=$(sed -n 's/^export MOSAIC_TEST_SERVERS_DIR=//p' "$arg")
    else
        dir=$arg
    fi
    [ -n "$dir" ] && [ -f "$dir/$marker" ] || die "'$arg' is not a directory made by test-servers.sh start"
    stop_redis "$dir"
    stop_postgres "$dir"
    rm -rf "$dir"
    [ -f "$arg" ] && rm -f "$arg"
    say "stopped; removed $dir"
}

case "${1:-}" in
    start) shift; cmd_start "$@" ;;
    stop) shift; cmd_stop "$@" ;;
    *) echo "usage: scripts/test-servers.sh start [ENV_FILE] | stop [DIR|ENV_FILE]" >&2; exit 2 ;;
esac
