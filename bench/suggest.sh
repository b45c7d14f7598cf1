#!/bin/sh
# bench/suggest.sh: `lrfind suggest` on a 10^6-point sweep file, CSV reading included.
# Target (issue 2): under 1 s on a 2-core machine. Usage: bench/suggest.sh [LRFIND] [POINTS]
set -eu
LRFIND=${1:-${LRFIND:-build/lrfind}}
N=${2:-1000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# A noisy LR-range curve: flat, a long fall, a rise.
awk -v n="$N" 'BEGIN {
    srand(1); printf "# lrfind 1 start_lr=1e-07 end_lr=10 iterations=%d\niter,lr,loss\n", n;
    for (i = 0; i < n; i++) { x = i / n; lr = 1e-7 * exp(log(1e8) * x);
        loss = 2.3 - 1.8 / (1 + exp(-(x - 0.45) * 20)) + 40 * (x > 0.8 ? (x - 0.8)^2 : 0) + 0.05 * (rand() - 0.5);
        printf "%d,%.17g,%.17g\n", i, lr, loss } }' > "$dir/big.csv"
echo "file: $(wc -l < "$dir/big.csv") lines, $(du -h "$dir/big.csv" | cut -f1)"
best=""
for run in 1 2 3 4 5; do
    t0=$(date +%s.%N)
    "$LRFIND" suggest "$dir/big.csv" > "$dir/out"
    t1=$(date +%s.%N)
    best=$(awk -v a="$t0" -v b="$t1" -v best="$best" 'BEGIN { t = b - a; if (best == "" || t < best) best = t; printf "%.3f", best }')
done
cat "$dir/out"
echo "lrfind suggest, $N points: best of 5 = ${best} s (target < 1 s)"
