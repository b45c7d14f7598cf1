#!/bin/sh
# End-to-end: the TUI in tmux (send-keys, capture-pane), with a frozen clock and a fixed seed.
. "$(dirname "$0")/lib.sh"

command -v tmux >/dev/null || { echo "tmux is missing"; echo "0 passed, 1 failed"; exit 1; }
# One tmux server a scenario (a fresh socket each time: a server that is still exiting must
# not be reused).
run=0
T="tmux -L lrfind-test-$$-$run"
trap 'for k in $(seq 0 $run); do tmux -L lrfind-test-$$-$k kill-server 2>/dev/null; done; rm -rf "$TMP"' EXIT
new_server() {
    $T kill-server 2>/dev/null
    run=$((run + 1))
    T="tmux -L lrfind-test-$$-$run"
}
GOLDEN="$top_srcdir/tests/golden/tui"

# start NAME ARGS...: run lrfind in a 100x30 pane; stdout to NAME.out, exit code to NAME.rc.
start() {
    name=$1; shift
    rm -f "$name.out" "$name.rc"
    new_server
    $T -f /dev/null new-session -d -x 100 -y 30 -s lrf \
        "cd '$TMP' && LC_ALL=${TUI_LOCALE:-C.UTF-8} LRFIND_FAKE_TIME=0 LRFIND_KERNEL=generic TERM=xterm $LRFIND $* > $name.out 2> $name.err; echo \$? > $name.rc; sleep 30"
}
screen() { $T capture-pane -p -t lrf; }
shows() { screen | grep -qF -- "$1"; }
keys() { $T send-keys -t lrf "$@"; }
rc_is() { [ -f "$1.rc" ] && [ "$(cat "$1.rc")" = "$2" ]; }
# golden NAME: the screen equals tests/golden/tui/NAME.txt (LRFIND_UPDATE_GOLDEN=1 rewrites it)
golden() {
    screen > "$TMP/$1.txt"
    if [ "${LRFIND_UPDATE_GOLDEN:-0}" = 1 ]; then cp "$TMP/$1.txt" "$GOLDEN/$1.txt"; fi
    if cmp -s "$TMP/$1.txt" "$GOLDEN/$1.txt"; then pass "golden screen $1"; else
        fail "golden screen $1"; diff "$GOLDEN/$1.txt" "$TMP/$1.txt" | head -20; fi
}

ASCII="--charset ascii --no-color"

# 1. The demo runs to its end; the screen is byte-stable.
start demo $ASCII --set sweep.pace_ms=5
check "demo: the curve forms and the sweep ends" wait_for 30 sh -c "$T capture-pane -p -t lrf | grep -Eq 'done after|diverged at'"
check "demo: suggestions are named" shows "valley"
check "demo: regions are shown" shows "sweet spot"
golden demo-end
# cursor, jump to a suggestion, pick with Enter
keys Right
check "cursor: first move shows the readout" wait_for 5 sh -c "$T capture-pane -p -t lrf | grep -q 'Enter picks this rate'"
keys 1
sleep 0.3
golden demo-valley
valley=$(screen | sed -n 's/.*1 V valley *\([0-9.e+-]*\).*/\1/p' | head -1)
keys Enter
check "pick: exits 0" wait_for 5 rc_is demo 0
check "pick: stdout is one bare number" grep -Eq '^[0-9.]+(e[-+]?[0-9]+)?$' demo.out
check "pick: it is the valley rate ($valley)" sh -c "awk -v a=\"\$(cat demo.out)\" -v b=\"$valley\" 'BEGIN{ exit !(a > 0 && (a/b < 1.01 && b/a < 1.01)) }'"

# 2. Pause and resume: no point arrives while paused.
start pause $ASCII --set sweep.pace_ms=100 --set sweep.stop_factor=0 -o pause.csv
wait_for 10 shows "running" >/dev/null
sleep 1
keys Space
check "pause: the state says paused" wait_for 5 sh -c "$T capture-pane -p -t lrf | grep -q 'paused'"
a=$(screen | grep -o '[0-9]*/100' | head -1)
sleep 1
b=$(screen | grep -o '[0-9]*/100' | head -1)
check "pause: no step while paused ($a = $b)" [ -n "$a" ] && [ "$a" = "$b" ]
keys Space
check "pause: resume continues" wait_for 5 sh -c "$T capture-pane -p -t lrf | grep -q running"
keys q
check "quit without a pick: exit 1" wait_for 5 rc_is pause 1
check "quit: stdout is empty" [ ! -s pause.out ]
check "quit: the sweep is saved" "$LRFIND" suggest pause.csv

# 3. Change the multiplier mid-sweep: the recorded rates show the new ladder.
start mult $ASCII --set sweep.multiplier=1.1 --set sweep.iterations=60 --set sweep.stop_factor=0 \
    --set sweep.pace_ms=40 -o mult.csv
wait_for 10 sh -c "$T capture-pane -p -t lrf | grep -Eq ' (1[0-9]|2[0-9])/60'"
keys +
check "multiplier: the panel shows x1.2" wait_for 5 sh -c "$T capture-pane -p -t lrf | grep -q 'x1.2'"
wait_for 20 shows "done after 60" >/dev/null
keys q
wait_for 5 rc_is mult 1
check "multiplier: ratios 1.1 then 1.2 in the CSV" awk -F, '
    /^[0-9]/ { if (prev) { r = $2 / prev; if (r > 1.099 && r < 1.101) { if (seen12) bad = 1; seen11 = 1 }
                                          else if (r > 1.199 && r < 1.201) seen12 = 1; else bad = 1 }
               prev = $2 }
    END { exit !(seen11 && seen12 && !bad) }' mult.csv

# 4. Restart: the old curve stays as an overlay; the new sweep starts from the same weights.
start restart $ASCII --set sweep.pace_ms=10 --set sweep.iterations=40 --set sweep.stop_factor=0 -o restart.csv
wait_for 20 shows "done after 40" >/dev/null
cp restart.csv first.csv 2>/dev/null
keys s
check "save: message names the file" wait_for 5 sh -c "$T capture-pane -p -t lrf | grep -q 'saved restart.csv'"
cp restart.csv first.csv
keys r
check "restart: the old sweep is an overlay" wait_for 5 sh -c "$T capture-pane -p -t lrf | grep -q 'sweep 1'"
check "restart: the new sweep ends" wait_for 20 sh -c "$T capture-pane -p -t lrf | grep -q 'done after 40'"
keys q
wait_for 5 rc_is restart 1
check "restart: identical second sweep" sh -c "grep -v '^#' first.csv > a1; grep -v '^#' restart.csv > a2; cmp -s a1 a2"
# Many restarts in a row (the model's series array grows past its first allocation; the
# sanitizer build catches a stale pointer into it): the newest sweep still runs to its end.
start restarts $ASCII --set sweep.pace_ms=5 --set sweep.iterations=30 --set sweep.stop_factor=0 -o restarts.csv
for k in 1 2 3 4 5 6 7; do
    wait_for 10 sh -c "$T capture-pane -p -t lrf | grep -Eq ' [1-9][0-9]*/30'" >/dev/null
    keys r
    wait_for 5 sh -c "$T capture-pane -p -t lrf | grep -q 'sweep $k'" >/dev/null
done
check "restarts: seven restarts, the last sweep ends" wait_for 20 sh -c "$T capture-pane -p -t lrf | grep -q 'done after 30'"
check "restarts: the newest overlay is sweep 7" shows "sweep 7"
keys q
check "restarts: quit exits 1" wait_for 5 rc_is restarts 1
check "restarts: no sanitizer report" sh -c "! grep -q Sanitizer restarts.err"
check "restarts: the saved sweep is the last one, complete" sh -c "[ \$(grep -c '^[0-9]' restarts.csv) = 30 ]"
# More iterations mid-sweep: the saved file says so (iterations, the moved end_lr), and a replay
# of it keeps every point and the window of the new N.
start iters $ASCII --set sweep.pace_ms=20 --set sweep.iterations=20 --set sweep.stop_factor=0 -o iters.csv
wait_for 10 sh -c "$T capture-pane -p -t lrf | grep -Eq ' [1-9]/20'" >/dev/null
keys ]
check "iterations: the sweep runs on to 30" wait_for 20 sh -c "$T capture-pane -p -t lrf | grep -q 'done after 30'"
keys s
wait_for 5 shows "saved iters.csv" >/dev/null
keys q
wait_for 5 rc_is iters 1 >/dev/null
check "iterations: the meta line says 30" grep -q '^# lrfind 1 .*iterations=30 ' iters.csv
check "iterations: end_lr moved with N (1e5)" sh -c "sed -n 's/.* end_lr=\([^ ]*\) .*/\1/p' iters.csv | awk '{ exit !(\$1 / 1e5 > 0.999999 && \$1 / 1e5 < 1.000001) }'"
check "iterations: a replay keeps 30 points, window [3, 25)" sh -c "'$LRFIND' suggest --format json iters.csv | grep -q '\"points\": 30, .*\"window\": \[3, 25\]'"

# 5. Ctrl-C with -o: exit 130 and a complete CSV.
start sigint $ASCII --set sweep.pace_ms=50 --set sweep.stop_factor=0 -o sigint.csv
wait_for 10 sh -c "$T capture-pane -p -t lrf | grep -Eq ' [1-9][0-9]*/100'" >/dev/null
keys C-c
check "Ctrl-C: exit 130" wait_for 5 rc_is sigint 130
check "Ctrl-C: the CSV is complete and readable" "$LRFIND" suggest sigint.csv
check "Ctrl-C: the terminal is restored (no TUI left)" sh -c "! $T capture-pane -p -t lrf | grep -q 'suggestions'"

# 6. Resize: 80x24 works, 20x5 says too small, back to 100x30.
start resize $ASCII --set sweep.pace_ms=5
wait_for 20 sh -c "$T capture-pane -p -t lrf | grep -Eq 'done after|diverged at'" >/dev/null
$T resize-window -t lrf -x 80 -y 24
sleep 0.5
golden resize-80x24
$T resize-window -t lrf -x 20 -y 5
check "resize: 20x5 says too small" wait_for 5 sh -c "$T capture-pane -p -t lrf | grep -q 'too small'"
$T resize-window -t lrf -x 100 -y 30
check "resize: back to 100x30 draws the plot" wait_for 5 sh -c "$T capture-pane -p -t lrf | grep -q 'suggestions'"
keys '?'
check "help overlay explains the regions" wait_for 5 sh -c "$T capture-pane -p -t lrf | grep -q 'sweet spot  the loss falls'"
keys x
keys q
check "resize: quit exits 1" wait_for 5 rc_is resize 1

# 7. ASCII terminal with NO_COLOR: no braille, no box drawing on the screen.
new_server
$T -f /dev/null new-session -d -x 100 -y 30 -s lrf \
    "cd '$TMP' && LC_ALL=C NO_COLOR=1 LRFIND_FAKE_TIME=0 LRFIND_KERNEL=generic TERM=vt100 $LRFIND --set sweep.pace_ms=5 > ascii.out; echo \$? > ascii.rc; sleep 30"
check "ascii: the sweep ends" wait_for 30 sh -c "$T capture-pane -p -t lrf | grep -Eq 'done after|diverged at'"
check "ascii: only ASCII on the screen" sh -c "! $T capture-pane -p -t lrf | LC_ALL=C grep -q '[^ -~]'"
keys q

# 8. view of two files, pick.
LRFIND_KERNEL=generic "$LRFIND" --batch --set sweep.pace_ms=0 -o v1.csv >/dev/null 2>&1
LRFIND_KERNEL=generic "$LRFIND" --batch --set sweep.pace_ms=0 --seed 3 --set trainer.optimizer.momentum=0 -o v2.csv >/dev/null 2>&1
start view $ASCII view v1.csv v2.csv
check "view: both files are in the legend" wait_for 5 sh -c "$T capture-pane -p -t lrf | grep -q 'v2.csv'"
golden view
keys Enter
check "view: Enter picks, exit 0" wait_for 5 rc_is view 0
check "view: the pick is a number" grep -Eq '^[0-9.]+(e[-+]?[0-9]+)?$' view.out

# 9. w writes the settings back into a commented YAML file.
cat > wb.yaml <<'YAML'
# my sweep
sweep:
  start_lr: 1.0e-6   # small
  end_lr: 1          # will be replaced by the multiplier
  iterations: 50     # how many
  stop_factor: 0
  pace_ms: 5
YAML
start wb $ASCII -c wb.yaml
wait_for 20 shows "done after 50" >/dev/null
keys ] + Right w
check "w: message says written" wait_for 5 sh -c "$T capture-pane -p -t lrf | grep -q 'wrote iterations 60, multiplier 1.5'"
keys q
wait_for 5 rc_is wb 1
check "w: comments kept" sh -c "grep -q '^# my sweep' wb.yaml && grep -q '# small' wb.yaml && grep -q '# how many' wb.yaml"
check "w: iterations changed" grep -Eq '^  iterations: 60 ' wb.yaml
check "w: multiplier written" grep -q 'multiplier: 1.5' wb.yaml
check "w: end_lr gave way" grep -Eq 'end_lr: +null' wb.yaml
check "w: picked_lr written" grep -q 'picked_lr:' wb.yaml
check "w: the file still loads" "$LRFIND" --batch -c wb.yaml --set sweep.pace_ms=0 --set sweep.iterations=20
# In view, w writes the picked rate only (the files' settings are not the config's).
cp wb.yaml wv.yaml
start wv $ASCII -c wv.yaml view v1.csv
wait_for 10 shows "suggestions" >/dev/null
keys 1 w
check "w in view: writes picked_lr" wait_for 5 sh -c "$T capture-pane -p -t lrf | grep -q 'wrote picked_lr'"
keys q
wait_for 5 rc_is wv 1 >/dev/null
check "w in view: iterations untouched" grep -Eq '^  iterations: 60 ' wv.yaml
check "w in view: the file still loads" "$LRFIND" --batch -c wv.yaml --set sweep.pace_ms=0 --set sweep.iterations=20

# 10. No terminal at all: a clear message and exit 2.
if command -v setsid >/dev/null; then
    setsid "$LRFIND" > notty.out 2> notty.err < /dev/null
    rc=$?
    check "no tty: exit 2 (got $rc)" [ "$rc" -eq 2 ]
    check "no tty: says to use --batch" grep -q -- "--batch" notty.err
fi

finish
