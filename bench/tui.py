#!/usr/bin/env python3
"""bench/tui.py: the TUI over a pseudo-terminal, as over SSH.

Runs a full demo sweep in a 100x30 pty and reports the bytes lrfind writes to the terminal
(per frame and in total), the frames drawn and how many were full repaints, the CPU time of the
UI thread against the trainer thread, and the time from a key press to its first visible bytes.
Targets (issue 4): under 1 KB a frame on average at 100x30; the UI thread under 5% of one core
at ui.fps 20; a key visible within one frame (50 ms at 20 fps).

Usage: bench/tui.py [LRFIND] [extra lrfind args...]
"""
import fcntl, os, pty, select, struct, sys, tempfile, termios, time

lrfind = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("LRFIND", "build/lrfind")
extra = sys.argv[2:]
stats = tempfile.mktemp(prefix="lrfind-stats-")
rows, cols = 30, 100

def launch(args):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update({"TERM": "xterm-256color", "LC_ALL": "C.UTF-8", "LRFIND_STATS": stats})
        os.environ.pop("NO_COLOR", None)
        os.execv(lrfind, [lrfind] + args + extra)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    return pid, fd


def pump(fd, until, stop_on=None):
    """Read the pty until time `until` (monotonic) or until stop_on appears; returns the bytes."""
    got = b""
    while True:
        left = until - time.monotonic()
        if left <= 0:
            return got
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            return got
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return got
        if not chunk:
            return got
        got += chunk
        if stop_on is not None and stop_on in got:
            return got


def finish(pid, fd):
    os.write(fd, b"q")
    pump(fd, time.monotonic() + 2)
    os.waitpid(pid, 0)
    st = {}
    with open(stats) as f:
        for line in f:
            k, v = line.split()
            st[k] = float(v)
    os.unlink(stats)
    return st


# Run 1: the demo (100 steps at 50 ms), quit when it is done: the cost of watching a sweep.
pid, fd = launch(["--set", "sweep.pace_ms=50", "--set", "sweep.stop_factor=0"])
t0 = time.monotonic()
out = pump(fd, time.monotonic() + 30, b"done after")
sweep_s = time.monotonic() - t0
out += pump(fd, time.monotonic() + 0.3)
st = finish(pid, fd)
frames = int(st["frames"])
print(f"terminal {cols}x{rows}, demo sweep of {int(st['points'])} points in {sweep_s:.2f} s")
print(f"bytes to the terminal: {len(out)} for the sweep, in {frames} frames "
      f"({int(st['full_frames'])} full repaint: the first frame)")
print(f"bytes per frame: {len(out) / max(frames, 1):.0f} on average (target < 1024)")
print(f"UI thread CPU: {st['ui_cpu_s']:.3f} s = {100 * st['ui_cpu_s'] / sweep_s:.2f}% of one core (target < 5%)")
print(f"trainer thread CPU: {st['trainer_cpu_s']:.3f} s")

# Run 2: key latency: '?' opens the help overlay (a full repaint); time to its first bytes.
pid, fd = launch(["--set", "sweep.pace_ms=0"])
pump(fd, time.monotonic() + 30, b"done after")
pump(fd, time.monotonic() + 0.3)
lat, full = [], []
for k in range(5):
    t = time.monotonic()
    os.write(fd, b"?")
    got = pump(fd, time.monotonic() + 1, b"LR range test")
    lat.append(time.monotonic() - t)
    got += pump(fd, time.monotonic() + 0.2)
    full.append(len(got))
    os.write(fd, b"x")  # any key closes the help
    pump(fd, time.monotonic() + 0.3)
finish(pid, fd)
print(f"key to screen: median {1000 * sorted(lat)[2]:.1f} ms, worst {1000 * max(lat):.1f} ms (one frame = 50 ms)")
print(f"a full repaint (help overlay): {sorted(full)[2]} bytes")
