# seckit s3 cp --recursive, sync and mv against the loopback mock AWS
# server's fuller S3 (tests/aws/mock_s3.c, buckets "s3x-..."): the three
# directions, --exclude/--include order, --dryrun lines, --quiet and
# --only-show-errors, sync by size and time (and --delete), mv deleting
# sources only after a good copy, keys that would leave the destination
# folder, symlinks, no partial files, and several requests at once over
# one connection pool (--max-concurrent-requests).
. "$top_srcdir/tests/lib.sh"
start_s3_mock s3_transfer
S=s3://s3x-tr
stat_of() { curl -s --noproxy '*' "$url/__s3x/stats" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
conns() { curl -s --noproxy '*' "$url/__stats" | sed -n 's/.*"connections":\([0-9]*\).*/\1/p'; }
# keys under a prefix, one a line, sorted, relative to it
keys() { seckit s3 ls "$1" --recursive $EP | awk '{print $4}' | sed "s|^$2||" | sort; }
lines() { sort "$OUT" | tr '\n' '|'; }

# The mock's listings say LastModified 2026-12-07T01:00:00Z: local files are
# made older (or newer) than that on purpose.
OLD=202612060000
NEW=202612080000
W="$TMP/w"
mkdir -p "$W/sub/deep"
for f in a.txt b.log sub/c.txt sub/d.log sub/deep/e.txt; do printf 'content of %s\n' "$f" >"$W/$f"; done
find "$W" -type f -exec touch -t $OLD {} +

# ---- cp --recursive: up, down, and between two prefixes (was exit 2)
if check cp_r_up 0 s3 cp "$W" "$S/up" --recursive $EP; then
    [ "$(grep -c '^upload: ' "$OUT")" -eq 5 ] && grep -qx "upload: $W/sub/deep/e.txt to $S/up/sub/deep/e.txt" "$OUT" &&
        [ "$(keys "$S/up/" up/ | tr '\n' ' ')" = "a.txt b.log sub/c.txt sub/d.log sub/deep/e.txt " ] &&
        pass cp_r_up || fail cp_r_up "$(lines) / $(keys "$S/up/" up/ | tr '\n' ' ')"
fi
if check cp_r_down 0 s3 cp "$S/up/" "$TMP/down" --recursive $EP; then
    [ "$(grep -c '^download: ' "$OUT")" -eq 5 ] && diff -r "$W" "$TMP/down" >/dev/null &&
        pass cp_r_down || fail cp_r_down "$(lines)"
fi
if check cp_r_s3_to_s3 0 s3 cp "$S/up" "$S/copy/" --recursive $EP; then
    [ "$(grep -c "^copy: $S/up/.* to $S/copy/" "$OUT")" -eq 5 ] &&
        [ "$(keys "$S/copy/" copy/ | tr '\n' ' ')" = "a.txt b.log sub/c.txt sub/d.log sub/deep/e.txt " ] &&
        [ "$(seckit s3 cp "$S/copy/sub/d.log" - $EP)" = "content of sub/d.log" ] &&
        pass cp_r_s3_to_s3 || fail cp_r_s3_to_s3 "$(lines)"
fi
check cp_r_not_a_folder 2 s3 cp "$W/a.txt" "$S/x" --recursive $EP && one_line cp_r_not_a_folder &&
    pass cp_r_not_a_folder
check cp_r_stdin 2 s3 cp - "$S/x" --recursive $EP && one_line cp_r_stdin && pass cp_r_stdin
# (the mock's plain S3 answers a listing of any other bucket with 404 NoSuchKey)
check cp_r_list_fails 6 s3 cp s3://nosuch-bkt/p "$TMP/nb" --recursive $EP && grep -q '(NoSuch' "$ERR" &&
    [ ! -e "$TMP/nb" ] && pass cp_r_list_fails
check cp_r_version 2 s3 cp "$S/up" "$TMP/v" --recursive --version-id v1 $EP && pass cp_r_version

# ---- --exclude/--include: in order, later ones win, relative to the source
filt() {
    fname=$1 want=$2
    shift 2
    seckit s3 rm "$S/f/" --recursive $EP >/dev/null 2>&1
    if check "$fname" 0 s3 cp "$W" "$S/f" --recursive "$@" $EP; then
        got=$(keys "$S/f/" f/ | tr '\n' ' ')
        [ "$got" = "$want" ] && pass "$fname" || fail "$fname" "got '$got', want '$want'"
    fi
}
filt filter_exclude_all_include_txt "a.txt sub/c.txt sub/deep/e.txt " --exclude '*' --include '*.txt'
filt filter_order_matters "" --include '*.txt' --exclude '*'
filt filter_later_wins "a.txt b.log sub/deep/e.txt " --exclude 'sub/*' --include 'sub/deep/*'
filt filter_relative "a.txt b.log sub/c.txt sub/d.log sub/deep/e.txt " --exclude 'c.txt'
filt filter_relative_dir "a.txt b.log " --exclude 'sub/*'
filt filter_star_crosses_slash "a.txt sub/c.txt sub/deep/e.txt " --exclude '*.log'
filt filter_question "a.txt b.log sub/c.txt sub/deep/e.txt " --exclude 'sub/?.log'
filt filter_bracket "sub/c.txt sub/d.log sub/deep/e.txt " --exclude '[ab].*'
filt filter_bracket_not "a.txt b.log " --exclude '[!ab]*'
# downloads filter the key below the prefix
if check filter_download 0 s3 cp "$S/up" "$TMP/fd" --recursive --exclude '*' --include 'sub/*.log' $EP; then
    [ "$(cd "$TMP/fd" && find . -type f | sort | tr '\n' ' ')" = "./sub/d.log " ] && pass filter_download ||
        fail filter_download "$(cd "$TMP/fd" && find . -type f | tr '\n' ' ')"
fi
check filter_on_ls 2 s3 ls "$S/up/" --exclude '*' $EP && one_line filter_on_ls && pass filter_on_ls

# ---- --dryrun: the AWS CLI's lines, nothing done
puts=$(stat_of puts)
if check dryrun_up 0 s3 cp "$W" "$S/dry" --recursive --dryrun --exclude '*.log' $EP; then
    printf '(dryrun) upload: %s to %s\n' "$W/a.txt" "$S/dry/a.txt" "$W/sub/c.txt" "$S/dry/sub/c.txt" \
        "$W/sub/deep/e.txt" "$S/dry/sub/deep/e.txt" >"$TMP/want"
    sort "$OUT" | diff - "$TMP/want" >/dev/null && [ "$(stat_of puts)" = "$puts" ] &&
        [ -z "$(keys "$S/dry/" dry/)" ] && pass dryrun_up || fail dryrun_up "$(lines)"
fi
if check dryrun_down 0 s3 cp "$S/up/" "$TMP/drydown" --recursive --dryrun $EP; then
    grep -qx "(dryrun) download: $S/up/sub/c.txt to $TMP/drydown/sub/c.txt" "$OUT" &&
        [ "$(wc -l <"$OUT")" -eq 5 ] && [ ! -e "$TMP/drydown" ] && pass dryrun_down || fail dryrun_down "$(lines)"
fi
if check dryrun_single 0 s3 cp "$W/a.txt" "$S/dry/" --dryrun $EP; then
    [ "$(cat "$OUT")" = "(dryrun) upload: $W/a.txt to $S/dry/a.txt" ] && [ "$(stat_of puts)" = "$puts" ] &&
        pass dryrun_single || fail dryrun_single "$(cat "$OUT")"
fi
if check dryrun_rm 0 s3 rm "$S/copy" --recursive --dryrun --exclude '*' --include '*.log' $EP; then
    [ "$(sort "$OUT" | tr '\n' '|')" = "(dryrun) delete: $S/copy/b.log|(dryrun) delete: $S/copy/sub/d.log|" ] &&
        [ "$(keys "$S/copy/" copy/ | wc -l)" -eq 5 ] && pass dryrun_rm || fail dryrun_rm "$(lines)"
fi
check dryrun_rm_one 0 s3 rm "$S/copy/a.txt" --dryrun $EP && [ "$(cat "$OUT")" = "(dryrun) delete: $S/copy/a.txt" ] &&
    [ "$(keys "$S/copy/" copy/ | wc -l)" -eq 5 ] && pass dryrun_rm_one
# rm --recursive with filters really deletes only what they let through
if check rm_r_filtered 0 s3 rm "$S/copy" --recursive --exclude '*' --include '*.log' $EP; then
    [ "$(keys "$S/copy/" copy/ | tr '\n' ' ')" = "a.txt sub/c.txt sub/deep/e.txt " ] && pass rm_r_filtered ||
        fail rm_r_filtered "$(keys "$S/copy/" copy/ | tr '\n' ' ')"
fi

# ---- --quiet and --only-show-errors: no operation lines; errors still shown
check quiet_up 0 s3 cp "$W" "$S/q" --recursive --quiet $EP && [ ! -s "$OUT" ] && [ ! -s "$ERR" ] &&
    [ "$(keys "$S/q/" q/ | wc -l)" -eq 5 ] && pass quiet_up
check only_errors_down 0 s3 cp "$S/q" "$TMP/q" --recursive --only-show-errors $EP && [ ! -s "$OUT" ] &&
    [ ! -s "$ERR" ] && diff -r "$W" "$TMP/q" >/dev/null && pass only_errors_down
check quiet_single 0 s3 cp "$W/a.txt" "$S/q/one" --quiet $EP && [ ! -s "$OUT" ] && pass quiet_single
check quiet_rm 0 s3 rm "$S/q" --recursive --quiet $EP && [ ! -s "$OUT" ] && [ -z "$(keys "$S/q/" q/)" ] &&
    pass quiet_rm
check quiet_error_shown 6 s3 cp s3://nosuch-bkt/p "$TMP/nq" --recursive --quiet $EP &&
    grep -q '(NoSuch' "$ERR" && [ ! -s "$OUT" ] && pass quiet_error_shown

# ---- keys that would leave the destination folder: refused, the rest copied
printf 'escape' | seckit s3 cp - "$S/evil/../../escaped" $EP >/dev/null 2>&1
printf 'dot' | seckit s3 cp - "$S/evil/./dot" $EP >/dev/null 2>&1
printf 'slash' | seckit s3 cp - "$S/evil//abs" $EP >/dev/null 2>&1
printf 'fine' | seckit s3 cp - "$S/evil/fine" $EP >/dev/null 2>&1
mkdir -p "$TMP/jail/in"
if check unsafe_keys 3 s3 cp "$S/evil/" "$TMP/jail/in" --recursive $EP; then
    [ "$(grep -c 'not a safe relative path' "$ERR")" -eq 3 ] && grep -q "$S/evil/../../escaped" "$ERR" &&
        [ ! -e "$TMP/escaped" ] && [ ! -e "$TMP/jail/escaped" ] && [ ! -e "$TMP/abs" ] &&
        [ "$(cat "$TMP/jail/in/fine")" = fine ] && [ "$(cd "$TMP/jail" && find . -type f)" = "./in/fine" ] &&
        pass unsafe_keys || fail unsafe_keys "$(cat "$ERR") / $(cd "$TMP" && find jail)"
fi
check unsafe_keys_sync 3 s3 sync "$S/evil/" "$TMP/jail/s" $EP && [ ! -e "$TMP/jail/escaped" ] &&
    [ ! -e "$TMP/escaped" ] && pass unsafe_keys_sync
printf 'up' | seckit s3 cp - "$S/evil2/.." $EP >/dev/null 2>&1
check unsafe_mv_name 3 s3 mv "$S/evil2/.." "$TMP/jail/" $EP && grep -q 'not a safe file name' "$ERR" &&
    check unsafe_mv_name 0 s3 cp "$S/evil2/.." - $EP && pass unsafe_mv_name

# ---- no partial files: a download that fails leaves nothing behind
printf 'good' | seckit s3 cp - "$S/part/good" $EP >/dev/null 2>&1
head -c 200000 /dev/urandom | seckit s3 cp - "$S/part/drop9-big" $EP >/dev/null 2>&1
if check no_partial 5 s3 cp "$S/part" "$TMP/part" --recursive $EP; then
    [ "$(cd "$TMP/part" && find . | sort | tr '\n' ' ')" = ". ./good " ] && pass no_partial ||
        fail no_partial "$(cd "$TMP/part" && find . | tr '\n' ' ')"
fi

# ---- symlinks: followed by default (as the AWS CLI), left out with
# --no-follow-symlinks; a dangling one is a warning and exit 5
L="$TMP/links"
mkdir -p "$L" "$TMP/outside"
printf 'target' >"$TMP/outside/t"
printf 'plain' >"$L/plain"
ln -s "$TMP/outside/t" "$L/link"
ln -s "$TMP/outside" "$L/dirlink"
if check symlinks_followed 0 s3 cp "$L" "$S/l1" --recursive $EP; then
    [ "$(keys "$S/l1/" l1/ | tr '\n' ' ')" = "dirlink/t link plain " ] &&
        [ "$(seckit s3 cp "$S/l1/link" - $EP)" = target ] && pass symlinks_followed ||
        fail symlinks_followed "$(keys "$S/l1/" l1/ | tr '\n' ' ')"
fi
if check symlinks_not_followed 0 s3 cp "$L" "$S/l2" --recursive --no-follow-symlinks $EP; then
    [ "$(keys "$S/l2/" l2/ | tr '\n' ' ')" = "plain " ] && pass symlinks_not_followed ||
        fail symlinks_not_followed "$(keys "$S/l2/" l2/ | tr '\n' ' ')"
fi
ln -s "$TMP/nowhere" "$L/dangling"
if check symlink_dangling 5 s3 cp "$L" "$S/l3" --recursive $EP; then
    grep -q "warning: skipping $L/dangling" "$ERR" && [ "$(keys "$S/l3/" l3/ | wc -l)" -eq 3 ] &&
        pass symlink_dangling || fail symlink_dangling "$(cat "$ERR")"
fi
rm -f "$L/dangling"

# ---- sync: missing, other size, or newer at the source
Y="$TMP/y"
cp -r "$W" "$Y"
find "$Y" -type f -exec touch -t $OLD {} +
check sync_up_first 0 s3 sync "$Y" "$S/sy" $EP && [ "$(grep -c '^upload: ' "$OUT")" -eq 5 ] && pass sync_up_first
puts=$(stat_of puts)
check sync_up_again 0 s3 sync "$Y" "$S/sy" $EP && [ ! -s "$OUT" ] && [ "$(stat_of puts)" = "$puts" ] &&
    pass sync_up_again
printf 'longer now\n' >>"$Y/sub/c.txt"
touch -t $OLD "$Y/sub/c.txt"
check sync_up_size 0 s3 sync "$Y" "$S/sy" $EP && [ "$(cat "$OUT")" = "upload: $Y/sub/c.txt to $S/sy/sub/c.txt" ] &&
    pass sync_up_size
touch -t $NEW "$Y/a.txt"
check sync_up_newer 0 s3 sync "$Y" "$S/sy" $EP && [ "$(cat "$OUT")" = "upload: $Y/a.txt to $S/sy/a.txt" ] &&
    pass sync_up_newer
touch -t $OLD "$Y/a.txt"
check sync_up_older_same_size 0 s3 sync "$Y" "$S/sy" $EP && [ ! -s "$OUT" ] && pass sync_up_older_same_size
rm "$Y/b.log"
check sync_no_delete 0 s3 sync "$Y" "$S/sy" $EP && [ ! -s "$OUT" ] &&
    [ "$(keys "$S/sy/" sy/ | grep -c b.log)" -eq 1 ] && pass sync_no_delete
rm "$Y/sub/d.log"
check sync_delete_filtered 0 s3 sync "$Y" "$S/sy" --delete --exclude '*.log' --include 'b.log' $EP &&
    [ "$(cat "$OUT")" = "delete: $S/sy/b.log" ] && [ "$(keys "$S/sy/" sy/ | grep -c 'sub/d.log')" -eq 1 ] &&
    pass sync_delete_filtered
check sync_delete_dryrun 0 s3 sync "$Y" "$S/sy" --delete --dryrun $EP &&
    [ "$(cat "$OUT")" = "(dryrun) delete: $S/sy/sub/d.log" ] && pass sync_delete_dryrun
check sync_delete 0 s3 sync "$Y" "$S/sy" --delete $EP && [ "$(cat "$OUT")" = "delete: $S/sy/sub/d.log" ] &&
    [ "$(keys "$S/sy/" sy/ | tr '\n' ' ')" = "a.txt sub/c.txt sub/deep/e.txt " ] && pass sync_delete
# down: the files get the objects' LastModified, so a second run does nothing
if check sync_down_first 0 s3 sync "$S/sy" "$TMP/sd" $EP; then
    m=$(TZ=UTC date -r "$TMP/sd/a.txt" +%Y%m%d%H%M%S)
    [ "$(grep -c '^download: ' "$OUT")" -eq 3 ] && [ "$m" = 20261207010000 ] && pass sync_down_first ||
        fail sync_down_first "$(lines) mtime $m"
fi
gets=$(stat_of gets)
check sync_down_again 0 s3 sync "$S/sy" "$TMP/sd" $EP && [ ! -s "$OUT" ] && [ "$(stat_of gets)" = "$gets" ] &&
    pass sync_down_again
printf 'x' >"$TMP/sd/sub/c.txt"
check sync_down_size 0 s3 sync "$S/sy" "$TMP/sd" $EP && [ "$(wc -l <"$OUT")" -eq 1 ] &&
    cmp -s "$Y/sub/c.txt" "$TMP/sd/sub/c.txt" && pass sync_down_size
touch -t $NEW "$TMP/sd/a.txt"
check sync_down_local_newer 0 s3 sync "$S/sy" "$TMP/sd" $EP && [ ! -s "$OUT" ] && pass sync_down_local_newer
printf 'extra' >"$TMP/sd/extra"
check sync_down_delete 0 s3 sync "$S/sy" "$TMP/sd" --delete $EP && [ "$(cat "$OUT")" = "delete: $TMP/sd/extra" ] &&
    [ ! -e "$TMP/sd/extra" ] && pass sync_down_delete
# s3 to s3
check sync_s3_s3 0 s3 sync "$S/sy" "$S/sy2" $EP && [ "$(grep -c '^copy: ' "$OUT")" -eq 3 ] &&
    check sync_s3_s3 0 s3 sync "$S/sy" "$S/sy2" $EP && [ ! -s "$OUT" ] && pass sync_s3_s3
check sync_not_folder 2 s3 sync "$Y/a.txt" "$S/sy" $EP && one_line sync_not_folder && pass sync_not_folder
check sync_recursive_refused 2 s3 sync "$Y" "$S/sy" --recursive $EP && pass sync_recursive_refused
check delete_on_cp 2 s3 cp "$Y" "$S/sy" --recursive --delete $EP && grep -q 'sync option' "$ERR" && pass delete_on_cp

# ---- mv: the source goes only after its copy succeeded
printf 'move me' >"$TMP/mv1"
check mv_up 0 s3 mv "$TMP/mv1" "$S/mv/" $EP && [ "$(cat "$OUT")" = "move: $TMP/mv1 to $S/mv/mv1" ] &&
    [ ! -e "$TMP/mv1" ] && [ "$(seckit s3 cp "$S/mv/mv1" - $EP)" = "move me" ] && pass mv_up
check mv_s3_s3 0 s3 mv "$S/mv/mv1" "$S/mv2/moved" $EP && [ "$(keys "$S/mv/" mv/ | grep -c mv1)" -eq 0 ] &&
    [ "$(seckit s3 cp "$S/mv2/moved" - $EP)" = "move me" ] && pass mv_s3_s3
check mv_down 0 s3 mv "$S/mv2/moved" "$TMP/back" $EP && [ "$(cat "$TMP/back")" = "move me" ] &&
    [ "$(keys "$S/mv2/" mv2/)" = "" ] && pass mv_down
check mv_recursive 0 s3 mv "$S/up" "$S/moved" --recursive --exclude '*.log' $EP &&
    [ "$(grep -c '^move: ' "$OUT")" -eq 3 ] && [ "$(keys "$S/up/" up/ | tr '\n' ' ')" = "b.log sub/d.log " ] &&
    [ "$(keys "$S/moved/" moved/ | tr '\n' ' ')" = "a.txt sub/c.txt sub/deep/e.txt " ] && pass mv_recursive
# onto itself: refused (a copy then a delete would lose the object)
printf 'only copy' | seckit s3 cp - "$S/self/x" $EP >/dev/null 2>&1
check mv_onto_itself 2 s3 mv "$S/self/x" "$S/self/x" $EP && grep -q 'not moved onto itself' "$ERR" &&
    [ "$(seckit s3 cp "$S/self/x" - $EP)" = "only copy" ] && pass mv_onto_itself
check mv_r_onto_itself 2 s3 mv "$S/self" "$S/self/" --recursive $EP &&
    [ "$(seckit s3 cp "$S/self/x" - $EP)" = "only copy" ] && pass mv_r_onto_itself
check mv_r_elsewhere 0 s3 mv "$S/self" "$S/self2" --recursive $EP && [ "$(keys "$S/self/" self/)" = "" ] &&
    [ "$(seckit s3 cp "$S/self2/x" - $EP)" = "only copy" ] && pass mv_r_elsewhere
# failures keep the source
printf 'stay' >"$TMP/stay"
printf 'there' | seckit s3 cp - "$S/mv/stay" $EP >/dev/null 2>&1
check mv_failed_upload 6 s3 mv "$TMP/stay" "$S/mv/stay" --no-overwrite $EP && grep -q PreconditionFailed "$ERR" &&
    [ -e "$TMP/stay" ] && [ "$(seckit s3 cp "$S/mv/stay" - $EP)" = there ] && pass mv_failed_upload
check mv_failed_download 5 s3 mv "$S/part/drop9-big" "$TMP/gone" $EP && [ ! -e "$TMP/gone" ] &&
    [ "$(keys "$S/part/" part/ | grep -c drop9-big)" -eq 1 ] && pass mv_failed_download
printf 'x' >"$TMP/afile"
check mv_failed_dest 5 s3 mv "$S/part/good" "$TMP/afile/sub/x" $EP &&
    [ "$(keys "$S/part/" part/ | grep -c good)" -eq 1 ] && pass mv_failed_dest
check mv_dryrun 0 s3 mv "$S/part/good" "$TMP/mvd" --dryrun $EP &&
    [ "$(cat "$OUT")" = "(dryrun) move: $S/part/good to $TMP/mvd" ] && [ ! -e "$TMP/mvd" ] && pass mv_dryrun

# ---- encryption: cp --recursive takes key options; sync and mv refuse them
head -c 32 /dev/urandom >"$TMP/aes"
chmod 600 "$TMP/aes"
check enc_cp_r 0 s3 cp "$W" "$S/enc" --recursive --raw-aes-key "file=$TMP/aes" --instruction-file --quiet $EP &&
    [ ! -s "$OUT" ] && check enc_cp_r 0 s3 cp "$S/enc" "$TMP/enc" --recursive --raw-aes-key "file=$TMP/aes" $EP &&
    [ "$(grep -c '^download: ' "$OUT")" -eq 5 ] && diff -r "$W" "$TMP/enc" >/dev/null && pass enc_cp_r
check enc_sync_refused 2 s3 sync "$W" "$S/enc" --raw-aes-key "file=$TMP/aes" $EP && one_line enc_sync_refused &&
    grep -q 'use cp --recursive' "$ERR" && pass enc_sync_refused
check enc_mv_refused 2 s3 mv "$W/a.txt" "$S/enc/" --raw-aes-key "file=$TMP/aes" $EP && [ -e "$W/a.txt" ] &&
    pass enc_mv_refused

# ---- several requests at once, one connection pool
C="$TMP/many"
mkdir -p "$C"
for n in $(seq 1 24); do printf 'file %s\n' "$n" >"$C/f$n"; done
c0=$(conns)
check concurrent_4 0 s3 cp "$C" "$S/c4" --recursive --max-concurrent-requests 4 $EP
c1=$(conns)
used=$((c1 - c0 - 1))
[ "$(keys "$S/c4/" c4/ | wc -l)" -eq 24 ] && [ $used -ge 2 ] && [ $used -le 4 ] && pass concurrent_4 ||
    fail concurrent_4 "$used connections for 4 requests at once"
echo "# 24 uploads, --max-concurrent-requests 4: $used connection(s)"
c0=$(conns)
check concurrent_1 0 s3 cp "$C" "$S/c1" --recursive --max-concurrent-requests 1 $EP
c1=$(conns)
[ $((c1 - c0 - 1)) -eq 1 ] && pass concurrent_1 || fail concurrent_1 "$((c1 - c0 - 1)) connections"
check concurrent_zero 2 s3 cp "$C" "$S/c0" --recursive --max-concurrent-requests 0 $EP && pass concurrent_zero
check concurrent_too_many 2 s3 sync "$C" "$S/c0" --max-concurrent-requests 129 $EP && pass concurrent_too_many
check concurrent_on_ls 2 s3 ls "$S/" --max-concurrent-requests 2 $EP && pass concurrent_on_ls
# one progress line, on a terminal only (script(1) gives the command a pty)
if command -v script >/dev/null 2>&1; then
    script -qec "'$SECKIT' s3 cp '$C' '$S/prog' --recursive $EP" /dev/null >"$TMP/tty" 2>&1
    n=$(tr '\r' '\n' <"$TMP/tty" | grep -c '^Completed .* with [0-9]* file(s) remaining')
    u=$(tr '\r' '\n' <"$TMP/tty" | grep -c '^upload: ')
    [ "$n" -ge 1 ] && [ "$u" -eq 24 ] && tr '\r' '\n' <"$TMP/tty" | grep -q 'with 0 file(s) remaining' &&
        pass progress_tty || fail progress_tty "$n progress updates, $u upload lines"
    script -qec "'$SECKIT' s3 cp '$C' '$S/prog' --recursive --no-progress $EP" /dev/null >"$TMP/tty" 2>&1
    ! grep -q Completed "$TMP/tty" && [ "$(grep -c '^upload: ' "$TMP/tty")" -eq 24 ] && pass progress_off ||
        fail progress_off "$(head -c 300 "$TMP/tty")"
    script -qec "'$SECKIT' s3 cp '$C' '$S/prog' --recursive --quiet $EP" /dev/null >"$TMP/tty" 2>&1
    [ ! -s "$TMP/tty" ] && pass progress_quiet || fail progress_quiet "$(head -c 300 "$TMP/tty")"
else
    skip progress_tty "no script(1) to give the command a terminal"
fi
check progress_not_a_tty 0 s3 cp "$C" "$S/prog" --recursive $EP && ! grep -q Completed "$ERR" &&
    pass progress_not_a_tty
finish
