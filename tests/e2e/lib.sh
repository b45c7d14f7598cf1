# lib.sh: shared by the end-to-end tests. Sourced; expects $LRFIND and $top_srcdir
# (set by `make check`), falls back to the build tree for a manual run.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${LRFIND:=$top_srcdir/build/lrfind}"
export LC_ALL=C.UTF-8
unset NO_COLOR LRFIND_FAKE_TIME
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lrfind-e2e.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
n_pass=0
n_fail=0

pass() { n_pass=$((n_pass + 1)); echo "ok - $1"; }
fail() { n_fail=$((n_fail + 1)); echo "not ok - $1"; }

# check NAME COMMAND...: pass when the command succeeds.
check() {
    name=$1; shift
    if "$@"; then pass "$name"; else fail "$name"; fi
}

# expect_exit CODE NAME COMMAND...: run, capture out/err in $TMP/out, $TMP/err.
expect_exit() {
    want=$1 name=$2; shift 2
    "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    got=$?
    if [ "$got" -eq "$want" ]; then
        pass "$name (exit $want)"
    else
        fail "$name: exit $got, wanted $want"
        sed 's/^/  stderr: /' "$TMP/err" | head -20
    fi
}

# contains FILE TEXT: the file holds the fixed string.
contains() { grep -qF -- "$2" "$1"; }

# wait_for SECONDS COMMAND...: poll every 0.1 s until the command succeeds.
wait_for() {
    t=$(( $1 * 10 )); shift
    while [ "$t" -gt 0 ]; do
        "$@" 2>/dev/null && return 0
        sleep 0.1
        t=$((t - 1))
    done
    return 1
}

finish() {
    echo "$n_pass passed, $n_fail failed"
    [ "$n_fail" -eq 0 ]
    exit $?
}
