#!/usr/bin/env bash
# Runs the NiFi 2.3.0 assembled by nifi-spectro-runtime, without NiFi's bootstrap.
#
#   nifi-spectro.sh start  INSTANCE_DIR [--port 8080] [--heap 1g]   create (first time) and start an instance
#   nifi-spectro.sh wait   INSTANCE_DIR [SECONDS]                    wait until the REST API answers
#   nifi-spectro.sh stop   INSTANCE_DIR                              SIGTERM, then SIGKILL after 60 s
#   nifi-spectro.sh kill   INSTANCE_DIR                              SIGKILL (crash tests)
#   nifi-spectro.sh status INSTANCE_DIR
#   nifi-spectro.sh url    INSTANCE_DIR                              prints the base URL
#
# An instance dir holds conf/, the repositories and logs/ of one NiFi; the jars and NARs stay in
# this assembly's lib/. Everything NiFi writes with a relative path lands in the instance dir.
set -euo pipefail

HOME_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cmd=${1:-}; instance=${2:-}
if [ -z "$cmd" ] || [ -z "$instance" ]; then
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
shift 2
mkdir -p "$instance"
instance=$(cd "$instance" && pwd)
pidfile="$instance/nifi.pid"

port_of() { sed -n 's/^nifi\.web\.http\.port=//p' "$instance/conf/nifi.properties"; }
running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

case "$cmd" in
start)
    port=8080; heap=1g
    while [ $# -gt 0 ]; do
        case "$1" in
            --port) port=$2; shift 2 ;;
            --heap) heap=$2; shift 2 ;;
            *) echo "unknown option $1" >&2; exit 2 ;;
        esac
    done
    if running; then echo "NiFi already running in $instance (pid $(cat "$pidfile"))"; exit 0; fi
    # shellcheck source=/dev/null
    source "$HOME_DIR/bin/lib/find-java.sh"
    mkdir -p "$instance/conf" "$instance/logs"
    if [ ! -f "$instance/conf/nifi.properties" ]; then
        key=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
        sed -e "s#@LIB_DIR@#$HOME_DIR/lib#" -e "s#@HTTP_PORT@#$port#" -e "s#@SENSITIVE_KEY@#$key#" \
            "$HOME_DIR/conf/nifi.properties.template" > "$instance/conf/nifi.properties"
        cp "$HOME_DIR/conf/state-management.xml" "$HOME_DIR/conf/logback.xml" "$instance/conf/"
    fi
    port=$(port_of)
    mgmt=$((port + 1000))
    cd "$instance"
    nohup "$JAVA_HOME/bin/java" \
        --class-path "$HOME_DIR/lib/*:$instance/conf" \
        -Dnifi.properties.file.path="$instance/conf/nifi.properties" \
        -Dorg.apache.nifi.bootstrap.config.log.dir="$instance/logs" \
        -Dorg.apache.nifi.management.server.address="127.0.0.1:$mgmt" \
        -Dlogback.configurationFile="$instance/conf/logback.xml" \
        -Djava.awt.headless=true -Djava.security.egd=file:/dev/urandom \
        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
        -Xms256m "-Xmx$heap" -XX:+UseG1GC \
        org.apache.nifi.NiFi > "$instance/logs/nifi-stdout.log" 2>&1 &
    echo $! > "$pidfile"
    echo "NiFi starting (pid $!) in $instance, UI http://127.0.0.1:$port/nifi"
    ;;
wait)
    timeout=${1:-180}
    port=$(port_of)
    for _ in $(seq 1 "$timeout"); do
        if curl -sf -o /dev/null "http://127.0.0.1:$port/nifi-api/flow/about"; then
            echo "NiFi is up: http://127.0.0.1:$port/nifi"; exit 0
        fi
        if ! running; then
            echo "NiFi exited during start-up; last lines of $instance/logs:" >&2
            tail -n 40 "$instance/logs/nifi-app.log" "$instance/logs/nifi-stdout.log" >&2 2>/dev/null || true
            exit 1
        fi
        sleep 1
    done
    echo "NiFi did not answer within $timeout s (logs in $instance/logs)" >&2
    exit 1
    ;;
stop)
    if ! running; then echo "NiFi not running in $instance"; rm -f "$pidfile"; exit 0; fi
    pid=$(cat "$pidfile"); kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; echo "NiFi stopped"; exit 0; }; sleep 1; done
    kill -KILL "$pid" 2>/dev/null || true; rm -f "$pidfile"; echo "NiFi killed after 60 s"
    ;;
kill)
    if running; then kill -KILL "$(cat "$pidfile")"; fi
    rm -f "$pidfile"; echo "NiFi killed"
    ;;
status)
    if running; then echo "running (pid $(cat "$pidfile")) http://127.0.0.1:$(port_of)/nifi"; else echo "stopped"; exit 3; fi
    ;;
url)
    echo "http://127.0.0.1:$(port_of)"
    ;;
*)
    echo "unknown command $cmd" >&2; exit 2 ;;
esac
