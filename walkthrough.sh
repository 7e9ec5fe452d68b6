#!/bin/sh
# The main job on local defaults, no AWS account needed: a short walkthrough
# of what seckit does, run from a built tree (README, first command).
# Each area's part is in docs/walkthrough/NN-*.sh, run in order in a scratch
# folder with $SECKIT pointing at the command.
set -eu
top=$(cd "$(dirname "$0")" && pwd)
SECKIT=${SECKIT:-$top/seckit}
[ -x "$SECKIT" ] || { echo "walkthrough: build seckit first ($SECKIT not found)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/seckit-walkthrough.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
export SECKIT top
cd "$work"
# show CMD...: print the command as a user would type it, then run it.
show() { printf '\n$ seckit'; printf ' %s' "$@"; printf '\n'; "$SECKIT" "$@"; }
for part in "$top"/docs/walkthrough/[0-9][0-9]-*.sh; do
    [ -f "$part" ] || continue
    printf '\n=== %s ===\n' "$(sed -n 's/^# title: //p' "$part")"
    . "$part"
done
printf '\nwalkthrough complete\n'
