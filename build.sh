#!/bin/sh
# build.sh: the README's two commands.
#   ./build.sh demo   install what is missing (apt), build, start the demo sweep in the TUI
#   ./build.sh test   install what is missing, build, run the whole test suite: unit and
#                     end-to-end tests, then again under ASan+UBSan and under TSan, then
#                     the parsers' fuzz targets (clang, libFuzzer) for 20 s each
# Builds go to build/ (and build-asan/, build-tsan/); the source tree stays clean.
set -eu
cd "$(dirname "$0")"
what=${1:-demo}

# Debian/Ubuntu packages: build, test, and the external-trainer examples.
BUILD_PKGS="gcc make autoconf automake pkg-config libncurses-dev libyaml-dev"
TEST_PKGS="libcmocka-dev tmux python3"
TORCH_PKGS="python3-torch libopenblas0-openmp"
FUZZ_PKGS="clang libclang-rt-dev"

missing() {
    out=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || out="$out $p"
    done
    echo "$out"
}

install_missing() {
    need=$(missing "$@")
    [ -z "$need" ] && return 0
    echo "build.sh: installing:$need" >&2
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $need
}

configure_in() {
    dir=$1; shift
    [ -x configure ] || autoreconf -fi
    mkdir -p "$dir"
    if [ ! -f "$dir/Makefile" ] || [ configure -nt "$dir/Makefile" ]; then
        (cd "$dir" && ../configure -q "$@")
    fi
}

jobs=$(nproc 2>/dev/null || echo 2)

case "$what" in
demo)
    install_missing $BUILD_PKGS
    configure_in build
    make -s -C build -j"$jobs" lrfind
    exec ./build/lrfind
    ;;
test)
    install_missing $BUILD_PKGS $TEST_PKGS
    # The PyTorch examples are tested when torch can be had; LRFIND_NO_TORCH=1 skips them.
    [ "${LRFIND_NO_TORCH:-0}" = 1 ] || install_missing $TORCH_PKGS || echo "build.sh: no python3-torch; its tests skip" >&2
    configure_in build --enable-werror
    make -C build -j"$jobs" check || { cat build/test-suite.log; exit 1; }
    configure_in build-asan --enable-werror --enable-sanitizers
    make -C build-asan -j"$jobs" check || { cat build-asan/test-suite.log; exit 1; }
    configure_in build-tsan --enable-werror --enable-tsan
    make -C build-tsan -j"$jobs" check || { cat build-tsan/test-suite.log; exit 1; }
    # clang: the same warnings clean, and each parser's fuzz target run for a while
    install_missing $FUZZ_PKGS
    configure_in build-fuzz --enable-werror --enable-fuzzing CC=clang
    make -C build-fuzz -j"$jobs" fuzz/fuzz_config fuzz/fuzz_csv fuzz/fuzz_proto fuzz/fuzz_data
    for f in config csv proto data; do
        mkdir -p "build-fuzz/corpus-$f"
        build-fuzz/fuzz/fuzz_$f -max_total_time="${LRFIND_FUZZ_SECONDS:-20}" -print_final_stats=0 \
            "build-fuzz/corpus-$f" 2> "build-fuzz/fuzz_$f.log" ||
            { tail -40 "build-fuzz/fuzz_$f.log"; echo "build.sh: fuzz_$f found a crash" >&2; exit 1; }
        echo "build.sh: fuzz_$f: $(grep -o 'Done [0-9]* runs' "build-fuzz/fuzz_$f.log" | tail -1), no crash"
    done
    # one closing line for the three runs: test programs passed and failed
    awk '/^# PASS:/ { p += $3 } /^# (FAIL|ERROR|XPASS):/ { f += $3 } END { printf "%d passed, %d failed\n", p, f }' \
        build/test-suite.log build-asan/test-suite.log build-tsan/test-suite.log
    echo "build.sh: all tests passed (plain, ASan+UBSan, TSan, fuzzing)"
    ;;
*)
    echo "usage: ./build.sh demo|test" >&2
    exit 2
    ;;
esac
