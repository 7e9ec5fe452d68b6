# seckit s3 cp --recursive, sync and mv against a real S3-compatible
# server (OpenStack Swift with s3api + tempauth, started on 127.0.0.1 by
# swift-up.sh and always stopped again): the three directions, filter
# order, --dryrun lines, --quiet, sync by size and time with --delete, mv,
# keys with ".." segments on download, and many files at once.
. "$top_srcdir/tests/lib.sh"
here="$top_srcdir/tests/integration"
state="$TMP/swift"

stop_server() { bash "$here/swift-down.sh" "$state" >/dev/null 2>&1; }
trap 'stop_server; rm -rf "$TMP"' EXIT INT TERM

start_swift s3_transfer_integration swift_up
S=s3://seckit-tr
keys() { seckit s3 ls "$1" --recursive $EP | awk '{print $4}' | sed "s|^$2||" | sort | tr '\n' ' '; }
lines() { sort "$OUT" | tr '\n' '|'; }

check mb 0 s3 mb "$S" $EP && pass mb
W="$TMP/w"
mkdir -p "$W/sub/deep"
for f in a.txt b.log sub/c.txt sub/d.log sub/deep/e.txt; do printf 'content of %s\n' "$f" >"$W/$f"; done
head -c 6000000 /dev/urandom >"$W/sub/big.bin" # above the part size: a multipart upload
find "$W" -type f -exec touch -t 202001010000 {} +

# ---- cp --recursive
check cp_r_up 0 s3 cp "$W" "$S/up" --recursive --part-size 5MiB $EP &&
    [ "$(grep -c '^upload: ' "$OUT")" -eq 6 ] &&
    [ "$(keys "$S/up/" up/)" = "a.txt b.log sub/big.bin sub/c.txt sub/d.log sub/deep/e.txt " ] && pass cp_r_up
check cp_r_down 0 s3 cp "$S/up/" "$TMP/down" --recursive $EP && diff -r "$W" "$TMP/down" >/dev/null &&
    pass cp_r_down
check cp_r_s3_s3 0 s3 cp "$S/up" "$S/copy" --recursive $EP && [ "$(grep -c '^copy: ' "$OUT")" -eq 6 ] &&
    check cp_r_s3_s3 0 s3 cp "$S/copy/sub/big.bin" "$TMP/big.back" $EP && cmp -s "$W/sub/big.bin" "$TMP/big.back" &&
    pass cp_r_s3_s3
check cp_r_missing_bucket 6 s3 cp s3://seckit-tr-nope/x "$TMP/nb" --recursive $EP && grep -q NoSuchBucket "$ERR" &&
    [ ! -e "$TMP/nb" ] && pass cp_r_missing_bucket

# ---- filters
check filter_txt 0 s3 cp "$W" "$S/f1" --recursive --exclude '*' --include '*.txt' $EP &&
    [ "$(keys "$S/f1/" f1/)" = "a.txt sub/c.txt sub/deep/e.txt " ] && pass filter_txt
check filter_order 0 s3 cp "$W" "$S/f2" --recursive --include '*.txt' --exclude '*' $EP && [ ! -s "$OUT" ] &&
    [ "$(keys "$S/f2/" f2/)" = "" ] && pass filter_order
check filter_relative 0 s3 cp "$S/up" "$TMP/fr" --recursive --exclude 'sub/*' --include 'sub/deep/*' $EP &&
    [ "$(cd "$TMP/fr" && find . -type f | sort | tr '\n' ' ')" = "./a.txt ./b.log ./sub/deep/e.txt " ] &&
    pass filter_relative

# ---- --dryrun and --quiet
if check dryrun 0 s3 cp "$W" "$S/dry" --recursive --dryrun --exclude '*' --include 'a.txt' $EP; then
    [ "$(cat "$OUT")" = "(dryrun) upload: $W/a.txt to $S/dry/a.txt" ] && [ "$(keys "$S/dry/" dry/)" = "" ] &&
        pass dryrun || fail dryrun "$(lines)"
fi
check dryrun_rm 0 s3 rm "$S/copy" --recursive --dryrun --exclude '*' --include '*.log' $EP &&
    [ "$(lines)" = "(dryrun) delete: $S/copy/b.log|(dryrun) delete: $S/copy/sub/d.log|" ] &&
    [ "$(keys "$S/copy/" copy/)" = "a.txt b.log sub/big.bin sub/c.txt sub/d.log sub/deep/e.txt " ] && pass dryrun_rm
check quiet 0 s3 cp "$W" "$S/q" --recursive --quiet $EP && [ ! -s "$OUT" ] && [ ! -s "$ERR" ] && pass quiet

# ---- sync
Y="$TMP/y"
cp -r "$W" "$Y"
find "$Y" -type f -exec touch -t 202001010000 {} +
check sync_first 0 s3 sync "$Y" "$S/sy" $EP && [ "$(grep -c '^upload: ' "$OUT")" -eq 6 ] && pass sync_first
check sync_again 0 s3 sync "$Y" "$S/sy" $EP && [ ! -s "$OUT" ] && pass sync_again
printf 'more\n' >>"$Y/a.txt"
touch -t 202001010000 "$Y/a.txt"
check sync_size 0 s3 sync "$Y" "$S/sy" $EP && [ "$(cat "$OUT")" = "upload: $Y/a.txt to $S/sy/a.txt" ] && pass sync_size
touch "$Y/b.log"
check sync_newer 0 s3 sync "$Y" "$S/sy" $EP && [ "$(cat "$OUT")" = "upload: $Y/b.log to $S/sy/b.log" ] &&
    pass sync_newer
rm "$Y/sub/c.txt"
check sync_keeps 0 s3 sync "$Y" "$S/sy" $EP && [ ! -s "$OUT" ] && pass sync_keeps
check sync_delete 0 s3 sync "$Y" "$S/sy" --delete $EP && [ "$(cat "$OUT")" = "delete: $S/sy/sub/c.txt" ] &&
    pass sync_delete
check sync_down 0 s3 sync "$S/sy" "$TMP/sd" $EP && [ "$(grep -c '^download: ' "$OUT")" -eq 5 ] &&
    diff -r "$Y" "$TMP/sd" >/dev/null && check sync_down 0 s3 sync "$S/sy" "$TMP/sd" $EP && [ ! -s "$OUT" ] &&
    pass sync_down
check sync_s3_s3 0 s3 sync "$S/sy" "$S/sy2" $EP && [ "$(grep -c '^copy: ' "$OUT")" -eq 5 ] &&
    check sync_s3_s3 0 s3 sync "$S/sy" "$S/sy2" $EP && [ ! -s "$OUT" ] && pass sync_s3_s3

# ---- mv
printf 'moving' >"$TMP/m"
check mv_up 0 s3 mv "$TMP/m" "$S/mv/m" $EP && [ ! -e "$TMP/m" ] && [ "$(seckit s3 cp "$S/mv/m" - $EP)" = moving ] &&
    pass mv_up
check mv_r_s3_s3 0 s3 mv "$S/q" "$S/q2" --recursive $EP && [ "$(keys "$S/q/" q/)" = "" ] &&
    [ "$(keys "$S/q2/" q2/)" = "a.txt b.log sub/big.bin sub/c.txt sub/d.log sub/deep/e.txt " ] && pass mv_r_s3_s3
printf 'x' >"$TMP/notdir"
check mv_failed_keeps 5 s3 mv "$S/mv/m" "$TMP/notdir/m" $EP && [ "$(keys "$S/mv/" mv/)" = "m " ] &&
    pass mv_failed_keeps

# ---- keys with ".." segments never leave the destination folder
printf 'escape' | seckit s3 cp - "$S/evil/../../escaped" $EP >/dev/null 2>&1
printf 'fine' | seckit s3 cp - "$S/evil/fine" $EP >/dev/null 2>&1
mkdir -p "$TMP/jail/in"
check unsafe_key 3 s3 cp "$S/evil/" "$TMP/jail/in" --recursive $EP && grep -q 'not a safe relative path' "$ERR" &&
    [ ! -e "$TMP/escaped" ] && [ ! -e "$TMP/jail/escaped" ] && [ "$(cat "$TMP/jail/in/fine")" = fine ] &&
    pass unsafe_key

# ---- many files at once, one connection pool
C="$TMP/many"
mkdir -p "$C"
for n in $(seq 1 40); do head -c 20000 /dev/urandom >"$C/f$n"; done
t0=$(date +%s%N)
check many_1 0 s3 cp "$C" "$S/m1" --recursive --max-concurrent-requests 1 $EP
t1=$(date +%s%N)
check many_10 0 s3 cp "$C" "$S/m10" --recursive $EP
t2=$(date +%s%N)
echo "# 40 uploads of 20 KB: $(((t1 - t0) / 1000000)) ms one at a time, $(((t2 - t1) / 1000000)) ms with 10 at once"
check many_down 0 s3 cp "$S/m10" "$TMP/m10" --recursive --max-concurrent-requests 8 $EP &&
    diff -r "$C" "$TMP/m10" >/dev/null && pass many_10

check cleanup 0 s3 rm "$S" --recursive --quiet $EP && check cleanup 0 s3 rb "$S" $EP && pass cleanup
finish
