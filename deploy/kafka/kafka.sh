#!/usr/bin/env bash
# Run a real single-node Apache Kafka (KRaft, one process acting as broker and controller)
# from jars that Maven fetches once into a cache. Needs Java 17+ and, for the first fetch,
# Maven 3.6.3+. No Docker. See README.md beside this file.
#
#   kafka.sh fetch                                      fetch the jars into the cache (once)
#   kafka.sh start [--port N] [--controller-port N] [--dir DIR]
#   kafka.sh stop [--dir DIR]                           SIGTERM, then SIGKILL; idempotent
#   kafka.sh status [--dir DIR]                         exit 0 if running, 3 if not
#
# Environment:
#   IPMON_KAFKA_HOME           jars cache (default ~/.cache/ipmon/kafka-<version>)
#   IPMON_KAFKA_DIR            default node folder (default ~/.local/state/ipmon/kafka)
#   IPMON_KAFKA_START_TIMEOUT  seconds to wait for the broker to accept clients (120)
#   IPMON_KAFKA_STOP_TIMEOUT   seconds to wait after SIGTERM before SIGKILL (30)
#   IPMON_KAFKA_HEAP_OPTS      JVM heap options (-Xms128m -Xmx512m)
#   JAVA_HOME                  Java to use (default: java on PATH)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
POM="$HERE/pom.xml"
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\([^<]*\)</kafka.version>.*:\1:p' "$POM" | head -n 1)
USER_HOME=${HOME:-$(cd ~ && pwd)}
KAFKA_HOME_DIR=${IPMON_KAFKA_HOME:-$USER_HOME/.cache/ipmon/kafka-$KAFKA_VERSION}
LIBS="$KAFKA_HOME_DIR/libs"
DEFAULT_DIR=${IPMON_KAFKA_DIR:-${XDG_STATE_HOME:-$USER_HOME/.local/state}/ipmon/kafka}
START_TIMEOUT=${IPMON_KAFKA_START_TIMEOUT:-120}
STOP_TIMEOUT=${IPMON_KAFKA_STOP_TIMEOUT:-30}
HEAP_OPTS=${IPMON_KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
READY_LINE="Kafka Server started"

say() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# --- fetch -------------------------------------------------------------------------------

pom_digest() { cksum < "$POM" | cut -d' ' -f1; }

fetched() {
    [[ -f "$KAFKA_HOME_DIR/.complete" && "$(cat "$KAFKA_HOME_DIR/.complete")" == "$(pom_digest)" ]]
}

cmd_fetch() {
    [[ -n "$KAFKA_VERSION" ]] || die "no <kafka.version> in $POM"
    if fetched; then
        return 0
    fi
    command -v mvn >/dev/null || die "Maven (mvn) is needed once to fetch the Kafka jars"
    mkdir -p "$KAFKA_HOME_DIR"
    # one fetch at a time per cache (parallel test workers share it)
    exec 9>"$KAFKA_HOME_DIR/.lock"
    if command -v flock >/dev/null; then
        flock 9
    fi
    if fetched; then
        exec 9>&-
        return 0
    fi
    say "fetching Apache Kafka $KAFKA_VERSION jars into $LIBS (once)"
    local tmp started
    tmp=$(mktemp -d "$KAFKA_HOME_DIR/libs.XXXXXX")
    started=$SECONDS
    if ! mvn -B -q -Dstyle.color=never -f "$POM" dependency:copy-dependencies -DoutputDirectory="$tmp" </dev/null >&2
    then
        rm -rf "$tmp"
        die "mvn could not fetch the Kafka jars (is Maven Central reachable?)"
    fi
    [[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] || {
        rm -rf "$tmp"
        die "mvn finished but kafka_2.13-$KAFKA_VERSION.jar is missing"
    }
    rm -rf "$LIBS"
    mv "$tmp" "$LIBS"
    pom_digest >"$KAFKA_HOME_DIR/.complete"
    say "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars in $((SECONDS - started))s"
    exec 9>&-
}

# --- processes ---------------------------------------------------------------------------

# alive PID: the process exists and is not a zombie (an exited child nobody reaped yet)
alive() {
    local state
    kill -0 "$1" 2>/dev/null || return 1
    if [[ -r "/proc/$1/stat" ]]; then
        state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
    else
        state=$(ps -o stat= -p "$1" 2>/dev/null || true)
    fi
    [[ -n "$state" && "$state" != Z* ]]
}

# ours PID DIR: PID is the broker started for DIR
ours() {
    local args
    alive "$1" || return 1
    if [[ -r "/proc/$1/cmdline" ]]; then
        args=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true)
    else
        args=$(ps -ww -o args= -p "$1" 2>/dev/null || true)
    fi
    [[ "$args" == *kafka.Kafka* && "$args" == *"$2/server.properties"* ]]
}

running_pid() {
    local pid
    [[ -f "$1/kafka.pid" ]] || return 1
    pid=$(cat "$1/kafka.pid")
    [[ "$pid" =~ ^[0-9]+$ ]] && ours "$pid" "$1" && printf '%s\n' "$pid"
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port_from() {
    local port=$1
    while listening "$port"; do
        port=$((port + 1))
    done
    printf '%s\n' "$port"
}

# prop FILE KEY: the value of KEY in a properties file
prop() { sed -n "s/^$2=//p" "$1" 2>/dev/null | tail -n 1; }

cluster_id() {
    # a Kafka Uuid: 16 random bytes, base64url without padding, not starting with '-'
    local id
    while :; do
        id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
        [[ "$id" != -* ]] && break
    done
    printf '%s\n' "$id"
}

log_tail() {
    if [[ -f "$1" ]]; then
        say "last lines of $1:"
        tail -n "${2:-60}" "$1" >&2
    fi
}

# --- start / stop / status ---------------------------------------------------------------

# parse_args COMMAND ARGS...
parse_args() {
    local command=$1
    shift
    PORT="" CONTROLLER_PORT="" DIR="$DEFAULT_DIR"
    while (($#)); do
        case "$1" in
            --port) PORT=${2:?--port needs a value}; shift 2 ;;
            --port=*) PORT=${1#*=}; shift ;;
            --controller-port) CONTROLLER_PORT=${2:?--controller-port needs a value}; shift 2 ;;
            --controller-port=*) CONTROLLER_PORT=${1#*=}; shift ;;
            --dir) DIR=${2:?--dir needs a value}; shift 2 ;;
            --dir=*) DIR=${1#*=}; shift ;;
            -h | --help) usage ;;
            *) die "unknown argument: $1" ;;
        esac
    done
    for p in "$PORT" "$CONTROLLER_PORT"; do
        [[ -z "$p" || "$p" =~ ^[0-9]+$ ]] || die "not a port number: $p"
    done
    [[ "$command" != start ]] || mkdir -p "$DIR"
    if [[ -d "$DIR" ]]; then
        DIR=$(cd "$DIR" && pwd)
    fi
}

write_config() {
    cat >"$DIR/server.properties" <<EOF
# Single-node Apache Kafka $KAFKA_VERSION (KRaft), written by deploy/kafka/kafka.sh start.
# Rewritten on every start; ports are kept from the previous start unless given.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$DIR/data
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
EOF
    cat >"$DIR/log4j2.properties" <<'EOF'
status = warn
# keep logging until the broker has finished its own shutdown
shutdownHook = disable
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = ${sys:ipmon.kafka.log.level:-INFO}
rootLogger.appenderRef.out.ref = OUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
EOF
}

java_opts() {
    # shellcheck disable=SC2206 # heap options are meant to be split
    JAVA_OPTS=($HEAP_OPTS -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
        "-Dlog4j2.configurationFile=$DIR/log4j2.properties" "-Dkafka.logs.dir=$DIR")
}

cmd_start() {
    parse_args start "$@"
    local pid
    if pid=$(running_pid "$DIR"); then
        local port
        port=$(prop "$DIR/server.properties" advertised.listeners)
        port=${port##*:}
        [[ -z "$PORT" || "$PORT" == "$port" ]] ||
            die "a broker for $DIR already runs on port $port (pid $pid), not $PORT"
        say "already running (pid $pid)"
        printf '127.0.0.1:%s\n' "$port"
        return 0
    fi
    command -v "$JAVA" >/dev/null || die "Java 17+ is needed (no '$JAVA' on PATH)"
    cmd_fetch

    local old_port="" old_controller=""
    if [[ -f "$DIR/server.properties" ]]; then
        old_port=$(prop "$DIR/server.properties" advertised.listeners)
        old_port=${old_port##*:}
        old_controller=$(prop "$DIR/server.properties" controller.quorum.voters)
        old_controller=${old_controller##*:}
    fi
    PORT=${PORT:-${old_port:-9092}}
    if [[ -z "$CONTROLLER_PORT" ]]; then
        if [[ -n "$old_controller" ]] && ! listening "$old_controller"; then
            CONTROLLER_PORT=$old_controller
        else
            CONTROLLER_PORT=$(free_port_from $((PORT + 1)))
        fi
    fi
    [[ "$PORT" != "$CONTROLLER_PORT" ]] || die "--port and --controller-port must differ"
    ! listening "$PORT" || die "port $PORT on 127.0.0.1 is already in use"
    ! listening "$CONTROLLER_PORT" || die "port $CONTROLLER_PORT on 127.0.0.1 is already in use"

    mkdir -p "$DIR/data"
    write_config
    java_opts
    if [[ ! -f "$DIR/data/meta.properties" ]]; then
        if ! "$JAVA" "${JAVA_OPTS[@]}" -Dipmon.kafka.log.level=WARN \
            -cp "$LIBS/*" kafka.tools.StorageTool format \
            --cluster-id "$(cluster_id)" --config "$DIR/server.properties" \
            >"$DIR/format.log" 2>&1 </dev/null; then
            log_tail "$DIR/format.log"
            die "could not format the storage in $DIR/data"
        fi
    fi

    [[ -f "$DIR/kafka.log" ]] && mv -f "$DIR/kafka.log" "$DIR/kafka.log.1"
    # its own session: the broker outlives this script and the terminal's Ctrl-C
    local detach=()
    command -v setsid >/dev/null && detach=(setsid) || detach=(nohup)
    "${detach[@]}" "$JAVA" "${JAVA_OPTS[@]}" -cp "$LIBS/*" kafka.Kafka "$DIR/server.properties" \
        >"$DIR/kafka.log" 2>&1 </dev/null &
    pid=$!
    printf '%s\n' "$pid" >"$DIR/kafka.pid"

    local deadline=$((SECONDS + START_TIMEOUT))
    until grep -q "$READY_LINE" "$DIR/kafka.log" 2>/dev/null && listening "$PORT"; do
        if ! alive "$pid"; then
            rm -f "$DIR/kafka.pid"
            log_tail "$DIR/kafka.log"
            die "Kafka exited during start-up (log: $DIR/kafka.log)"
        fi
        if ((SECONDS >= deadline)); then
            log_tail "$DIR/kafka.log"
            local port=$PORT
            cmd_stop --dir "$DIR" >/dev/null 2>&1 || true
            die "Kafka did not accept clients on 127.0.0.1:$port within ${START_TIMEOUT}s"
        fi
        sleep 0.2
    done
    say "Kafka $KAFKA_VERSION running (pid $pid, dir $DIR, log $DIR/kafka.log)"
    printf '127.0.0.1:%s\n' "$PORT"
}

cmd_stop() {
    parse_args stop "$@"
    local pid
    if ! pid=$(running_pid "$DIR"); then
        rm -f "$DIR/kafka.pid"
        say "not running ($DIR)"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_TIMEOUT))
    while alive "$pid" && ((SECONDS < deadline)); do
        sleep 0.2
    done
    if alive "$pid"; then
        say "no exit ${STOP_TIMEOUT}s after SIGTERM: sending SIGKILL to $pid"
        kill -KILL "$pid" 2>/dev/null || true
        deadline=$((SECONDS + 10))
        while alive "$pid" && ((SECONDS < deadline)); do
            sleep 0.1
        done
    fi
    alive "$pid" && die "could not stop pid $pid"
    rm -f "$DIR/kafka.pid"
    say "stopped (pid $pid)"
}

cmd_status() {
    parse_args status "$@"
    local pid port
    if pid=$(running_pid "$DIR"); then
        port=$(prop "$DIR/server.properties" advertised.listeners)
        printf 'running pid=%s bootstrap=127.0.0.1:%s dir=%s\n' "$pid" "${port##*:}" "$DIR"
        return 0
    fi
    printf 'stopped dir=%s\n' "$DIR"
    fetched && printf 'jars: %s\n' "$LIBS" || printf 'jars: not fetched (%s)\n' "$LIBS"
    return 3
}

case "${1:-}" in
    fetch) shift; (($# == 0)) || die "fetch takes no arguments"; cmd_fetch; printf '%s\n' "$LIBS" ;;
    start) shift; cmd_start "$@" ;;
    stop) shift; cmd_stop "$@" ;;
    status) shift; cmd_status "$@" ;;
    *) usage ;;
esac
