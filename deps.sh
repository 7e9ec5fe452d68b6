#!/bin/sh
# Installs what seckit needs on a Debian 12 machine, with apt-get.
#   ./deps.sh          what building seckit needs
#   ./deps.sh --test   also what its tests need (clang, valgrind, Node.js and
#                      npm for the interop peers, and each area's packages
#                      listed in tests/deps/*.apt, e.g. OpenStack Swift)
set -eu
cd "$(dirname "$0")"
mode=${1:-build}
case "$mode" in
build | --build) mode=build ;;
--test) mode=test ;;
*) echo "usage: ./deps.sh [--test]" >&2; exit 2 ;;
esac

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "deps.sh: run as root or install sudo" >&2; exit 1; }
    SUDO=sudo
fi

pkgs="build-essential autoconf automake libtool autoconf-archive pkg-config make
      libssl-dev openssl libsodium-dev libcjson-dev libcurl4-openssl-dev libyaml-dev
      ca-certificates git"
if [ "$mode" = test ]; then
    pkgs="$pkgs clang libclang-rt-14-dev clang-format valgrind time procps python3"
    # Node.js for the interop peers: Debian's nodejs + npm, unless a Node.js
    # with npm is already there (a NodeSource nodejs package includes npm and
    # conflicts with Debian's npm package).
    if ! command -v npm >/dev/null 2>&1; then
        pkgs="$pkgs nodejs npm"
    fi
    for f in tests/deps/*.apt; do
        [ -f "$f" ] || continue
        pkgs="$pkgs $(sed -e 's/#.*//' "$f" | tr '\n' ' ')"
    done
fi

# Only what is missing, so a prepared machine costs no network round trip.
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "deps.sh: installing:$missing"
    # Server packages (OpenStack Swift) must not start system-wide services:
    # the tests start their own on free loopback ports.  A policy-rc.d that
    # refuses every start does that for the length of the install.
    guard=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        guard=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$guard" >/dev/null
        $SUDO chmod 755 "$guard"
        trap '$SUDO rm -f "$guard"' EXIT INT TERM
    fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
    if [ -n "$guard" ]; then
        $SUDO rm -f "$guard"
        trap - EXIT INT TERM
    fi
else
    echo "deps.sh: all Debian packages present"
fi

# The npm peers used by the interop tests (versions pinned by the lock file).
if [ "$mode" = test ] && [ -f tests/interop/package-lock.json ]; then
    if [ ! -d tests/interop/node_modules ]; then
        echo "deps.sh: installing the npm peers for the interop tests"
        (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
    fi
fi
