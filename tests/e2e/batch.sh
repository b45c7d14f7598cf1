#!/bin/sh
# End-to-end: `lrfind --batch`, the option parsing, exit codes and files.
. "$(dirname "$0")/lib.sh"

FAST="--set sweep.pace_ms=0"

expect_exit 0 "help" "$LRFIND" --help
check "help names the commands" contains "$TMP/out" "lrfind suggest"
expect_exit 0 "version" "$LRFIND" --version
check "version line" grep -q '^lrfind [0-9]' "$TMP/out"
expect_exit 2 "unknown option" "$LRFIND" --bogus
expect_exit 2 "unknown command" "$LRFIND" frobnicate
expect_exit 2 "bad --format" "$LRFIND" --format xml suggest x.csv

# A full demo sweep: a bare number on stdout, the CSV and the result on disk.
expect_exit 0 "batch demo" "$LRFIND" --batch $FAST -o a.csv --result a.json
check "stdout is one bare number" grep -Eq '^[0-9.]+(e-?[0-9]+)?$' "$TMP/out"
pick=$(cat "$TMP/out")
check "csv header" sh -c "sed -n 2p a.csv | grep -qx 'iter,lr,loss,smooth_loss'"
check "csv meta line" sh -c "head -1 a.csv | grep -q '^# lrfind 1 '"
check "result has the pick" contains a.json "\"pick\""
check "progress on stderr" contains "$TMP/err" "lrfind:"
# The file replays to the same valley as the live sweep.
expect_exit 0 "suggest on the sweep" "$LRFIND" suggest --format json a.csv
check "suggest json names the file" contains "$TMP/out" '"file": "a.csv"'

# Same settings, same bytes (the trainer restores its state and seeds its RNG).
expect_exit 0 "batch again" "$LRFIND" --batch $FAST -o b.csv
check "two sweeps are byte-identical" cmp -s a.csv b.csv
expect_exit 0 "other seed" "$LRFIND" --batch $FAST --seed 7 -o c.csv
check "another seed gives another sweep" sh -c "! cmp -s a.csv c.csv"

# --format json prints the whole result.
expect_exit 0 "batch json" "$LRFIND" --batch $FAST --format json
check "json result on stdout" contains "$TMP/out" '"suggestions"'
# ...also without a pick (exit 1), with "pick": null.
expect_exit 1 "batch json, no pick" "$LRFIND" --batch $FAST --set sweep.iterations=10 --set sweep.pick=slide --format json
check "json without a pick: the whole result, pick null" contains "$TMP/out" '"pick": null'

# suggest takes the window from the file's meta line; -c and --set go over it.
expect_exit 0 "batch without skips" "$LRFIND" --batch $FAST --set sweep.skip_start=0 --set sweep.skip_end=0 \
    -o se.csv --result se.json
check "meta line: DESIGN's keys first" grep -q '^# lrfind 1 start_lr=1e-07 end_lr=10 iterations=100 smoothing=0.98 trainer=builtin ' se.csv
check "meta line: the window's settings" grep -q 'skip_start=0 skip_end=0' se.csv
expect_exit 0 "suggest on it" "$LRFIND" suggest --format json se.csv
check "suggest: the sweep's own window" contains "$TMP/out" '"window": [0, '
check "suggest: the valley of the batch" sh -c "[ \"\$(grep -o '\"valley\": {[^}]*}' se.json)\" = \"\$(grep -o '\"valley\": {[^}]*}' '$TMP/out')\" ]"
expect_exit 0 "suggest --set over the file" "$LRFIND" suggest --set sweep.skip_start=20 --format json se.csv
check "suggest --set: the window starts at 20" contains "$TMP/out" '"window": [20, '
expect_exit 0 "suggest --set sweep.suggest" "$LRFIND" suggest --set 'sweep.suggest=[valley]' --format json se.csv
check "suggest --set sweep.suggest: valley only" sh -c "grep -q valley '$TMP/out' && ! grep -q steep '$TMP/out'"
# A file with more rows than its iterations= (a sweep extended live) keeps every row.
{ echo '# lrfind 1 iterations=5 stop_factor=0'; echo 'lr,loss'
  awk 'BEGIN { for (i = 0; i < 40; i++) printf "%.17g,%.17g\n", 1e-6 * 1.3 ^ i, 2 + sin(i / 5) }'; } > long.csv
expect_exit 0 "suggest: rows past iterations=" "$LRFIND" suggest --format json long.csv
check "suggest: all 40 rows count" contains "$TMP/out" '"points": 40'

# Config errors name file:line:column.
printf 'sweep:\n  start_lr: 1e-7\n  itrations: 100\n' > bad.yaml
expect_exit 2 "misspelt key" "$LRFIND" --batch -c bad.yaml
check "misspelt key: file:line:column" contains "$TMP/err" "bad.yaml:3:3"
check "misspelt key: did you mean" contains "$TMP/err" "sweep.iterations"
expect_exit 2 "bad --set" "$LRFIND" --batch --set sweep.iterations=1
expect_exit 2 "missing config" "$LRFIND" --batch -c nonexistent.yaml
expect_exit 2 "bad --seed" "$LRFIND" --batch --seed -1
check "bad --seed: names the option" contains "$TMP/err" "--seed: trainer.seed"

# Linear mode and a multiplier ladder.
expect_exit 0 "multiplier ladder" "$LRFIND" --batch $FAST --set sweep.multiplier=1.3 \
    --set sweep.iterations=30 --set sweep.stop_factor=0 -o m.csv
check "multiplier: 30 rows" sh -c "[ \$(grep -vc '^#' m.csv) -eq 31 ]"
check "multiplier: rate 1 = 1.3e-7" sh -c "sed -n 4p m.csv | cut -d, -f2 | grep -q '^1.3000000000000001e-07$\|^1.3e-07$'"

# plot and suggest on files, bad files named file:line:column.
expect_exit 0 "plot" "$LRFIND" plot --charset ascii --width 80 --height 24 a.csv
check "plot: at most 24 rows" sh -c "[ \$(wc -l < '$TMP/out') -le 24 ]"
check "plot: decade ticks" contains "$TMP/out" "1e-7"
check "plot: the legend names valley" contains "$TMP/out" "V valley"
check "plot: ASCII only" sh -c "! LC_ALL=C grep -q '[^ -~]' '$TMP/out'"
expect_exit 0 "plot of two files (braille)" "$LRFIND" plot --charset braille a.csv c.csv
check "plot: both files in the legend" sh -c "grep -q a.csv '$TMP/out' && grep -q c.csv '$TMP/out'"
printf 'lr,loss\n1e-7,2.3\n1e-6,abc\n' > bad.csv
expect_exit 2 "suggest: a cell that is not a number" "$LRFIND" suggest bad.csv
check "bad cell: file:line:column" contains "$TMP/err" "bad.csv:3:6"
printf 'x,loss\n1,2\n' > nolr.csv
expect_exit 2 "suggest: no lr column" "$LRFIND" suggest nolr.csv
expect_exit 2 "plot: missing file" "$LRFIND" plot missing.csv
# fastai's recorder keeps smoothed losses only: --smoothed takes them as they are
grep -v '^#' a.csv | cut -d, -f2,4 | sed '1s/.*/lr,loss/' > fastai.csv
expect_exit 0 "suggest --smoothed" "$LRFIND" suggest --smoothed --num-it 100 --format json fastai.csv
check "--smoothed gives the live sweep's valley" contains "$TMP/out" "\"lr\": $pick"
expect_exit 0 "suggest --format yaml" "$LRFIND" suggest --format yaml a.csv fastai.csv
check "yaml: one document per file" sh -c "[ \$(grep -c '^---' '$TMP/out') -eq 2 ]"

# Every example config loads; the built-in ones train a short sweep.
for f in "$top_srcdir"/examples/*.yaml; do
    n=$(basename "$f")
    case $n in
    mnist.yaml)
        (cd "$top_srcdir" && "$LRFIND" --batch -c "$f" --set sweep.pace_ms=0 >/dev/null 2>"$TMP/err")
        check "example $n: loads, then names the missing MNIST file (exit 2)" sh -c "[ $? -eq 2 ] && grep -q train-images '$TMP/err'" ;;
    *)
        (cd "$top_srcdir" && "$LRFIND" --batch -c "$f" --set sweep.iterations=12 --set sweep.pace_ms=0 >/dev/null 2>"$TMP/err")
        check "example $n trains" [ $? -le 1 ] ;;
    esac
done

# Signals: the sweep recorded so far is saved, exit 128+signal.
for sig in INT TERM HUP; do
    case $sig in INT) code=130 ;; TERM) code=143 ;; HUP) code=129 ;; esac
    rm -f s.csv
    "$LRFIND" --batch --set sweep.pace_ms=20 --set sweep.iterations=1000 --set sweep.stop_factor=0 \
        -o s.csv >/dev/null 2>"$TMP/err" </dev/null &
    pid=$!
    sleep 1
    kill -$sig $pid
    wait $pid
    got=$?
    check "SIG$sig exits $code (got $got)" [ "$got" -eq $code ]
    check "SIG$sig saved a readable partial sweep" "$LRFIND" suggest s.csv
    check "SIG$sig left no temporary file" sh -c "! ls s.csv.tmp.* 2>/dev/null"
done

finish
