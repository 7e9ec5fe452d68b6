#!/bin/bash
# Start a private, single-node OpenStack Swift with the s3api and tempauth
# middlewares on 127.0.0.1, as a real S3-compatible server for seckit's
# integration tests.  Installs nothing and writes nothing outside STATE_DIR:
# configuration, rings, object data, logs and pid files all live there.
#
#   swift-up.sh STATE_DIR
#
# On success prints one line "ready: http://127.0.0.1:PORT (N.N s)" and
# writes STATE_DIR/s3.env (S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY,
# S3_REGION) to be sourced by the test.  Running it again on the same
# STATE_DIR after swift-down.sh restarts the same server (same ports, same
# data).  Stop it with swift-down.sh STATE_DIR.
#
# Exit status: 0 ready; 77 the Swift packages (tests/deps/s3.apt) are not
# installed or this machine cannot run them (the reason is on stderr);
# 1 any other failure (the log tails are printed and what was started is
# stopped again).
#
# Environment: SWIFT_TEST_PORT (proxy port; default: a free port chosen by
# the kernel), SWIFT_TEST_TIMEOUT (seconds to wait for readiness, default 90).
set -u

say() { echo "swift-up: $*" >&2; }
unavailable() { say "$*"; exit 77; }

[ $# -eq 1 ] || { say "usage: swift-up.sh STATE_DIR"; exit 2; }
state=$1
case "$state" in /*) ;; *) state="$PWD/$state" ;; esac

# Debian's own interpreter: swift is installed for it, and a python3 earlier
# on PATH (pyenv, a venv) would not see it.
py=/usr/bin/python3
pyrun() { env -u PYTHONPATH -u PYTHONHOME -u PYTHONSTARTUP "$py" "$@"; }

[ -x "$py" ] || unavailable "no $py (install the packages in tests/deps/s3.apt)"
pyrun -c 'import swift.common.middleware.s3api, swift.proxy.server, swift.obj.server, swift.container.server, swift.account.server' 2>/dev/null ||
    unavailable "OpenStack Swift is not installed (Debian packages: $(sed -e 's/#.*//' "$(dirname "$0")/../deps/s3.apt" 2>/dev/null | tr -s '\n ' ' '))"

start_time=$(date +%s.%N)
mkdir -p "$state/etc" "$state/run" "$state/log" "$state/data/sdb" "$state/cache" || exit 1

# Refuse to start a second copy on the same state directory.
for f in "$state"/run/*.pid; do
    [ -e "$f" ] || continue
    pid=$(cat "$f")
    if [ -d "/proc/$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$state/etc/"; then
        say "already running from $state (pid $pid); run swift-down.sh first"
        exit 1
    fi
    rm -f "$f"
done

# Swift keeps object metadata in user.* extended attributes.
pyrun - "$state/data/sdb" <<'EOF' 2>/dev/null || unavailable "$state has no user extended attributes (Swift needs them; set TMPDIR to an ext4/xfs folder)"
import os, sys
p = os.path.join(sys.argv[1], '.xattr-test')
open(p, 'w').close()
try:
    os.setxattr(p, 'user.seckit', b'm' * 512)
    assert os.getxattr(p, 'user.seckit') == b'm' * 512
finally:
    os.unlink(p)
EOF

# ---- ports: the proxy and three storage servers, all distinct.  Swift's
# sockets use SO_REUSEPORT, so two servers given one port would silently
# share it; the kernel picks four free ports while holding all four open.
if [ ! -s "$state/etc/ports" ]; then
    pyrun - "${SWIFT_TEST_PORT:-0}" >"$state/etc/ports" <<'EOF' || { say "cannot choose ports"; exit 1; }
import socket, sys
want = int(sys.argv[1])
held, ports = [], []
for i in range(4):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(('127.0.0.1', want if (i == 0 and want) else 0))
    held.append(s)
    ports.append(s.getsockname()[1])
print(' '.join(str(p) for p in ports))
EOF
fi
read -r proxy_port object_port container_port account_port <"$state/etc/ports"
for p in $proxy_port $object_port $container_port $account_port; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
        say "port $p on 127.0.0.1 is in use by another program"
        exit 1
    fi
done

# ---- test credentials (tempauth): S3 access key "ACCOUNT:USER".
account=seckit
user=tester
secret=seckitTestSecret1

# ---- configuration
[ -s "$state/etc/hash-suffix" ] || od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$state/etc/hash-suffix"
cat >"$state/etc/swift.conf" <<EOF
[swift-hash]
swift_hash_path_prefix = seckit-it
swift_hash_path_suffix = $(cat "$state/etc/hash-suffix")

[storage-policy:0]
name = only
default = yes

# S3 allows 2 KiB of user metadata per value; Swift's default (256 bytes)
# refuses an RSA-2048-wrapped data key (344 bytes of base64).
[swift-constraints]
max_meta_value_length = 2048
EOF

server_defaults() {  # PORT NAME
    cat <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $1
workers = 0
user = $(id -un)
swift_dir = $state/etc
devices = $state/data
mount_check = false
disable_fallocate = true
log_name = $2
log_level = INFO
recon_cache_path = $state/cache
EOF
}

for kind in account container object; do
    eval "port=\$${kind}_port"
    {
        server_defaults "$port" "$kind-server"
        printf '\n[pipeline:main]\npipeline = %s-server\n\n[app:%s-server]\nuse = egg:swift#%s\n' \
            "$kind" "$kind" "$kind"
    } >"$state/etc/$kind-server.conf"
done

# The proxy: s3api in front of tempauth; copy for CopyObject, slo for
# multipart uploads; dlo/versioned_writes/symlink as in a stock pipeline.
{
    server_defaults "$proxy_port" proxy-server
    cat <<EOF

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk s3api tempauth copy slo dlo versioned_writes symlink proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true
conn_timeout = 2
node_timeout = 20

[filter:s3api]
use = egg:swift#s3api
location = us-east-1
dns_compliant_bucket_names = true
# virtual-hosted requests: http://BUCKET.localhost:PORT/KEY (*.localhost is
# loopback for libcurl); path-style requests use 127.0.0.1 or localhost
storage_domain = localhost
max_upload_part_num = 10000

[filter:tempauth]
use = egg:swift#tempauth
user_${account}_${user} = $secret .admin

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging

# No memcached runs; tempauth works without one.  Keep the client's
# connection errors out of the log.
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:1
set log_name = proxy-cache
set log_level = CRITICAL

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:bulk]
use = egg:swift#bulk

[filter:copy]
use = egg:swift#copy

[filter:slo]
use = egg:swift#slo
max_manifest_segments = 10000

[filter:dlo]
use = egg:swift#dlo

[filter:versioned_writes]
use = egg:swift#versioned_writes
allow_object_versioning = true

[filter:symlink]
use = egg:swift#symlink
EOF
} >"$state/etc/proxy-server.conf"

# ---- a launcher: swift's own server scripts read /etc/swift/swift.conf; this
# one points Swift at our folder before loading anything that reads it.
cat >"$state/etc/serve.py" <<'EOF'
import sys
etc, name, conf = sys.argv[1:4]
from swift.common import utils
utils.set_swift_dir(etc)
from swift.common import constraints, storage_policy
storage_policy.reload_storage_policies()
constraints.reload_constraints()
from swift.common.wsgi import run_wsgi
sys.exit(run_wsgi(conf, name, verbose=True))
EOF

# ---- rings: one device, one replica, 2^8 partitions (built once).
if [ ! -s "$state/etc/object.ring.gz" ]; then
    pyrun - "$state/etc" "$account_port" "$container_port" "$object_port" >"$state/log/rings.log" 2>&1 <<'EOF' || { cat "$state/log/rings.log" >&2; say "building the rings failed"; exit 1; }
import sys
from swift.common.ring import RingBuilder
etc = sys.argv[1]
for name, port in zip(('account', 'container', 'object'), sys.argv[2:5]):
    rb = RingBuilder(8, 1, 1)
    rb.add_dev({'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': int(port),
                'device': 'sdb', 'weight': 1.0})
    rb.rebalance()
    rb.get_ring().save('%s/%s.ring.gz' % (etc, name))
EOF
fi

# ---- readiness: a SigV4-signed S3 round trip (create a bucket, put, get,
# delete), written with the Python standard library only.
cat >"$state/etc/ready.py" <<'EOF'
import datetime, hashlib, hmac, http.client, sys
port, access, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def hm(k, s): return hmac.new(k, s.encode(), hashlib.sha256).digest()
def call(method, path, body=b''):
    t = datetime.datetime.now(datetime.timezone.utc)
    stamp, day = t.strftime('%Y%m%dT%H%M%SZ'), t.strftime('%Y%m%d')
    host = '127.0.0.1:%d' % port
    sha = hashlib.sha256(body).hexdigest()
    names = 'host;x-amz-content-sha256;x-amz-date'
    canon = '%s\n%s\n\nhost:%s\nx-amz-content-sha256:%s\nx-amz-date:%s\n\n%s\n%s' % (
        method, path, host, sha, stamp, names, sha)
    scope = day + '/us-east-1/s3/aws4_request'
    tosign = 'AWS4-HMAC-SHA256\n%s\n%s\n%s' % (stamp, scope, hashlib.sha256(canon.encode()).hexdigest())
    k = hm(hm(hm(hm(('AWS4' + secret).encode(), day), 'us-east-1'), 's3'), 'aws4_request')
    auth = 'AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s' % (
        access, scope, names, hmac.new(k, tosign.encode(), hashlib.sha256).hexdigest())
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
    c.request(method, path, body, {'x-amz-date': stamp, 'x-amz-content-sha256': sha,
                                   'Authorization': auth})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data
for method, path, body, want in (('PUT', '/seckit-ready', b'', (200, 409)),
                                 ('PUT', '/seckit-ready/o', b'ok', (200,)),
                                 ('GET', '/seckit-ready/o', b'', (200,)),
                                 ('DELETE', '/seckit-ready/o', b'', (204,)),
                                 ('DELETE', '/seckit-ready', b'', (204,))):
    status, data = call(method, path, body)
    if status not in want or (method == 'GET' and data != b'ok'):
        sys.exit('%s %s: HTTP %d %s' % (method, path, status, data[:200]))
EOF

# ---- start the four servers, one foreground process each (workers = 0).
started=""
stop_started() {
    for pid in $started; do kill -TERM "$pid" 2>/dev/null; done
    sleep 1
    for pid in $started; do kill -KILL "$pid" 2>/dev/null; done
    rm -f "$state"/run/*.pid
}
give_up() {
    say "$*"
    for f in "$state"/log/*-server.log; do
        [ -s "$f" ] || continue
        echo "---- last lines of $f" >&2
        tail -n 15 "$f" >&2
    done
    stop_started
    exit 1
}
trap 'give_up "interrupted"' INT TERM HUP

for kind in account container object proxy; do
    env -u PYTHONPATH -u PYTHONHOME -u PYTHONSTARTUP "$py" "$state/etc/serve.py" "$state/etc" \
        "$kind-server" "$state/etc/$kind-server.conf" </dev/null >>"$state/log/$kind-server.log" 2>&1 &
    echo $! >"$state/run/$kind-server.pid"
    started="$started $!"
done

deadline=$(( $(date +%s) + ${SWIFT_TEST_TIMEOUT:-90} ))
until why=$(pyrun "$state/etc/ready.py" "$proxy_port" "$account:$user" "$secret" 2>&1); do
    for kind in account container object proxy; do
        kill -0 "$(cat "$state/run/$kind-server.pid")" 2>/dev/null || give_up "$kind-server exited while starting"
    done
    [ "$(date +%s)" -lt "$deadline" ] || give_up "not ready after ${SWIFT_TEST_TIMEOUT:-90} s: $why"
    sleep 0.3
done
trap - INT TERM HUP

cat >"$state/s3.env" <<EOF
S3_ENDPOINT=http://127.0.0.1:$proxy_port
S3_ACCESS_KEY=$account:$user
S3_SECRET_KEY=$secret
S3_REGION=us-east-1
EOF
elapsed=$(echo "$start_time $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')
echo "ready: http://127.0.0.1:$proxy_port ($elapsed s)"
