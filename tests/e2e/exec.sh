#!/bin/sh
# End-to-end: external trainers through the real binary: the standard-library example
# (batch, a replay of the same trainer, pause/resume and restart in the TUI), faults (exit 3,
# the partial sweep saved, no process left), and the PyTorch and DDP examples when torch is
# importable by /usr/bin/python3.
. "$(dirname "$0")/lib.sh"
export PYTHONDONTWRITEBYTECODE=1
S=$(cd "$top_srcdir" && pwd) # absolute: the process checks below match this checkout only
PY=${LRFIND_TEST_PYTHON:-python3}
LOGREG="trainer.command=[$PY, $S/examples/python/logreg.py, --seed, \"0\"]"
FAST="--set sweep.pace_ms=0"

# 1. A full sweep, and the same trainer replayed without lrfind gives the same losses.
expect_exit 0 "logreg batch" "$LRFIND" --batch -c "$S/examples/python/logreg.yaml" --set "$LOGREG" $FAST \
    -o logreg.csv --result logreg.json
check "logreg: a rate on stdout" grep -Eq '^[0-9.]+(e[-+]?[0-9]+)?$' "$TMP/out"
check "logreg: the CSV matches a replay of the trainer" $PY "$S/tests/trainers/replay_logreg.py" logreg.csv
check "logreg: the trainer's name reaches the result" contains logreg.json '"name": "logreg"'
check "logreg: the trainer's output went to its log" contains lrfind-trainer.log "logreg:"
check "logreg: nothing of the trainer on stdout" sh -c "[ \$(wc -l < '$TMP/out') -eq 1 ]"

# 2. Faults: exit 3, a message, the sweep so far saved, no child left behind.
fault() { # fault NAME SCRIPT MESSAGE
    rm -f f.csv
    expect_exit 3 "fault $1" "$LRFIND" --batch $FAST --set sweep.stop_factor=0 \
        --set "trainer.kind=exec" --set "trainer.command=[$PY, $S/tests/trainers/$2]" \
        --set trainer.connect_timeout_s=5 --set trainer.step_timeout_s=2 -o f.csv
    check "fault $1: says '$3'" contains "$TMP/err" "$3"
    # [/]: the pattern must not match the shell that runs pgrep
    check "fault $1: no trainer process left" sh -c "! pgrep -f '[/]${S#/}/tests/trainers/$2' >/dev/null"
}
fault dies dies_mid_sweep.py "exited with status 5"
check "fault dies: the 3 points before it are saved" sh -c "[ \$(grep -c '^[0-9]' f.csv) -eq 3 ]"
fault killed killed_mid_sweep.py "killed by signal"
fault timeout slow_step.py "step_timeout_s"
fault malformed malformed_line.py "broke the protocol"
fault version bad_version.py "protocol version"
fault closes closes_socket.py "closed the connection"
fault error reports_error.py "CUDA out of memory"
fault before-hello exit_before_hello.py "before saying hello"
expect_exit 3 "fault: command not found" "$LRFIND" --batch $FAST --set trainer.kind=exec \
    --set "trainer.command=[no-such-trainer-xyz]"
check "command not found: says so" contains "$TMP/err" "not found"
expect_exit 2 "an unwritable trainer.log is a config error" "$LRFIND" --batch $FAST --set "$LOGREG" \
    -c "$S/examples/python/logreg.yaml" --set trainer.log=/nonexistent/dir/log.txt
check "unwritable trainer.log: names the file" contains "$TMP/err" "/nonexistent/dir/log.txt: cannot write the trainer log"
# A signal while the trainer starts (it connects but never says hello) ends the wait at once.
rm -f h.csv
"$LRFIND" --batch $FAST --set trainer.kind=exec --set "trainer.command=[$PY, $S/tests/trainers/no_hello.py]" \
    --set trainer.connect_timeout_s=60 -o h.csv >/dev/null 2>"$TMP/err" </dev/null &
pid=$!
sleep 1.5
start=$(date +%s)
kill -TERM $pid
wait $pid
got=$?
check "SIGTERM during the handshake: exit 143 (got $got)" [ "$got" -eq 143 ]
check "SIGTERM during the handshake: at once" [ $(( $(date +%s) - start )) -le 5 ]
check "SIGTERM during the handshake: says so" contains "$TMP/err" "interrupted by signal 15"
check "SIGTERM during the handshake: the (empty) sweep is saved" grep -q '^iter,lr,loss' h.csv
check "SIGTERM during the handshake: no trainer left" sh -c "sleep 0.5; ! pgrep -f '[/]${S#/}/tests/trainers/no_hello.py' >/dev/null"

# 3. In the TUI: pause and resume, restart (reset sent, the same sweep again).
if command -v tmux >/dev/null; then
    T="tmux -L lrfind-exec-$$"
    trap '$T kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
    $T -f /dev/null new-session -d -x 100 -y 30 -s x \
        "cd '$TMP' && LC_ALL=C.UTF-8 TERM=xterm $LRFIND --charset ascii -c $S/examples/python/logreg.yaml --set '$LOGREG' --set sweep.pace_ms=20 --set sweep.iterations=60 --set sweep.stop_factor=0 -o tui.csv > tui.out; echo \$? > tui.rc; sleep 30"
    shows() { $T capture-pane -p -t x | grep -qF -- "$1"; }
    check "exec tui: the sweep runs" wait_for 20 shows "running"
    $T send-keys -t x Space
    check "exec tui: paused" wait_for 5 shows "paused"
    a=$($T capture-pane -p -t x | grep -o '[0-9]*/60' | head -1); sleep 0.5
    b=$($T capture-pane -p -t x | grep -o '[0-9]*/60' | head -1)
    check "exec tui: no step while paused ($a = $b)" [ -n "$a" ] && [ "$a" = "$b" ]
    $T send-keys -t x Space
    check "exec tui: the sweep ends" wait_for 30 shows "done after 60"
    $T send-keys -t x s
    wait_for 5 shows "saved tui.csv" >/dev/null
    cp tui.csv first.csv
    $T send-keys -t x r
    check "exec tui: restart runs again" wait_for 10 shows "sweep 1"
    check "exec tui: the second sweep ends" wait_for 30 shows "done after 60"
    $T send-keys -t x q
    wait_for 10 sh -c "[ -f tui.rc ]"
    check "exec tui: quit exits 1" [ "$(cat tui.rc 2>/dev/null)" = 1 ]
    check "exec tui: reset gave the identical sweep" sh -c "grep -v '^#' first.csv > a; grep -v '^#' tui.csv > b; cmp -s a b"
    $T kill-server 2>/dev/null
fi

# 4. PyTorch: the generic example and DDP with 2 ranks (CPU, gloo), when torch is there.
TPY=${LRFIND_TORCH_PYTHON:-/usr/bin/python3}
if [ "${LRFIND_TEST_TORCH:-1}" != 0 ] && "$TPY" -c "import torch" 2>/dev/null; then
    expect_exit 0 "pytorch mlp" "$LRFIND" --batch -c "$S/examples/pytorch/mlp.yaml" $FAST \
        --set "trainer.command=[$TPY, $S/examples/pytorch/mlp.py, --seed, \"0\"]" \
        --set sweep.iterations=40 --set sweep.stop_factor=0 -o mlp.csv --result mlp.json
    check "pytorch mlp: 40 points" sh -c "[ \$(grep -c '^[0-9]' mlp.csv) -eq 40 ]"
    check "pytorch mlp: a valley suggestion" contains mlp.json '"valley": {"lr"'
    rm -f lrfind-trainer.log
    expect_exit 0 "pytorch ddp (2 ranks)" "$LRFIND" --batch -c "$S/examples/pytorch/ddp.yaml" $FAST \
        --set "trainer.command=[$TPY, $S/examples/pytorch/torchrun.py, --standalone, --nproc_per_node=2, --monitor_interval=0.5, $S/examples/pytorch/ddp.py, --check]" \
        --set sweep.iterations=30 --set sweep.stop_factor=0 -o ddp.csv --result ddp.json
    check "ddp: 30 points" sh -c "[ \$(grep -c '^[0-9]' ddp.csv) -eq 30 ]"
    check "ddp: a valley suggestion" contains ddp.json '"valley": {"lr"'
    check "ddp: the ranks agree" contains lrfind-trainer.log "ranks agree"
    check "ddp: no rank left" sh -c "! pgrep -f '[/]${S#/}/examples/pytorch/ddp.py' >/dev/null"
else
    echo "# SKIP: /usr/bin/python3 cannot import torch; the PyTorch examples are not run"
fi

finish
