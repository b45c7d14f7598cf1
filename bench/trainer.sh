#!/bin/sh
# trainer.sh: the built-in trainer against PyTorch on the same LR sweeps, in one go.
#   bench/trainer.sh [TRAINER_BENCH] [TORCH_PEER]      (make bench-trainer runs it)
# MLPs 64-256-256-10 and 64-1024-1024-10 on 64-feature, 10-class blobs; batch 32, 128, 512;
# 200 iterations; SGD (momentum 0.9) and Adam; one thread each (OMP/OpenBLAS/MKL pinned to 1,
# torch.set_num_threads(1)). Prints seconds per iteration for both, the ratio, GFLOP/s
# (6 x parameters x batch per step) and the machine's FP32 matrix-multiply peak measured in the
# same run (a 2048^3 product by torch and by lrfind's kernel). Each time is the best of REPEAT
# sweeps, since the machine may be shared. Environment: ITERS (200), REPEAT (3),
# THREADS2=1 adds a column with lrfind on trainer.threads = 2, PYTHON (/usr/bin/python3).
set -eu
BENCH=${1:-./bench/trainer_bench}
PEER=${2:-$(dirname "$0")/torch_peer.py}
PYTHON=${PYTHON:-/usr/bin/python3}
ITERS=${ITERS:-200}
REPEAT=${REPEAT:-3}
THREADS2=${THREADS2:-0}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

if [ ! -x "$BENCH" ]; then
    echo "trainer.sh: $BENCH is not built (make bench/trainer_bench)" >&2
    exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# value of key=... in a line
val() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1; }

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
echo "lrfind built-in trainer vs PyTorch, one thread each, $ITERS iterations, best of $REPEAT"
echo "cpu: ${cpu:-unknown}, $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') cores, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"

peer_ok=1
if ! "$PYTHON" "$PEER" --iters "$ITERS" --repeat "$REPEAT" >"$tmp/torch" 2>"$tmp/torch.err"; then
    peer_ok=0
    echo "PyTorch peer unavailable: $(cat "$tmp/torch.err" | tail -n 1)"
fi
own_peak=$(val "$("$BENCH" --peak 2048)" gflops)
kernel=$(val "$("$BENCH" --peak 64)" kernel)
torch_peak=$(sed -n 's/^peak gflops=//p' "$tmp/torch" 2>/dev/null || true)
[ $peer_ok = 1 ] && echo "$(head -n 1 "$tmp/torch")"
echo "FP32 matmul peak, 2048^3, one thread: lrfind $kernel kernel $own_peak GFLOP/s, torch ${torch_peak:-n/a} GFLOP/s"
peak=$(awk -v a="$own_peak" -v b="${torch_peak:-0}" 'BEGIN { print (a > b ? a : b) }')
echo
hdr="model             batch  opt    lrfind s/it   torch s/it  speedup  lrfind GF/s  torch GF/s  lrfind %peak"
[ "$THREADS2" = 1 ] && hdr="$hdr  2 threads s/it"
echo "$hdr"
for h in 256 1024; do
    for b in 32 128 512; do
        for o in sgd adam; do
            line=$("$BENCH" --hidden "$h" --batch "$b" --optimizer "$o" --iters "$ITERS" --repeat "$REPEAT")
            own=$(val "$line" s_per_iter)
            params=$(( 64 * h + h + h * h + h + h * 10 + 10 ))
            tl=$(grep "^hidden=$h batch=$b optimizer=$o " "$tmp/torch" 2>/dev/null || true)
            theirs=$(val "$tl" s_per_iter)
            t2=""
            if [ "$THREADS2" = 1 ]; then
                t2=$(val "$("$BENCH" --hidden "$h" --batch "$b" --optimizer "$o" --iters "$ITERS" \
                    --repeat "$REPEAT" --threads 2)" s_per_iter)
            fi
            awk -v h="$h" -v b="$b" -v o="$o" -v own="$own" -v th="${theirs:-0}" -v p="$params" \
                -v peak="$peak" -v t2="$t2" 'BEGIN {
                fl = 6 * p * b
                model = sprintf("64-%d-%d-10", h, h)
                if (th > 0)
                    printf "%-17s %5d  %-5s  %11.6f  %11.6f  %6.2fx  %11.1f  %10.1f  %11.0f%%", \
                        model, b, o, own, th, th / own, fl / own / 1e9, fl / th / 1e9, \
                        100 * fl / own / 1e9 / peak
                else
                    printf "%-17s %5d  %-5s  %11.6f  %11s  %7s  %11.1f  %10s  %11.0f%%", \
                        model, b, o, own, "n/a", "", fl / own / 1e9, "", 100 * fl / own / 1e9 / peak
                if (t2 != "")
                    printf "  %15.6f", t2
                printf "\n"
            }'
        done
    done
done
