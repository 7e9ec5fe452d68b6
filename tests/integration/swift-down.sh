#!/bin/bash
# Stop the Swift servers that swift-up.sh started from STATE_DIR: exactly the
# processes named by STATE_DIR/run/*.pid, and only while their command line
# still names STATE_DIR (a recycled pid is left alone).  Never by name.
#
#   swift-down.sh STATE_DIR [--purge]     (--purge also deletes STATE_DIR)
set -u
say() { echo "swift-down: $*" >&2; }
[ $# -ge 1 ] || { say "usage: swift-down.sh STATE_DIR [--purge]"; exit 2; }
state=$1
case "$state" in /*) ;; *) state="$PWD/$state" ;; esac

ours() {
    [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF "$state/etc/serve.py"
}

pids=""
for f in "$state"/run/*-server.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f" 2>/dev/null)
    if [ -n "$pid" ] && ours "$pid"; then
        kill -TERM "$pid" 2>/dev/null && pids="$pids $pid"
    fi
    rm -f "$f"
done

# Up to 5 s for a clean exit, then SIGKILL.
i=0
while [ $i -lt 50 ]; do
    alive=""
    for pid in $pids; do ours "$pid" && alive="$alive $pid"; done
    [ -z "$alive" ] && break
    sleep 0.1
    i=$((i + 1))
done
for pid in $pids; do
    if ours "$pid"; then
        say "pid $pid did not stop on SIGTERM; killing it"
        kill -KILL "$pid" 2>/dev/null
    fi
done

if [ "${2:-}" = --purge ]; then
    rm -rf "$state"
fi
exit 0
