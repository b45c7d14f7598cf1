#!/usr/bin/env python3
"""A well-behaved test trainer: loss = k + lr, where k counts steps since the last reset
(lr 0.5 -> nan, 0.25 -> inf, 0.125 -> -inf). Prints what it sees to its log; --chatty
writes ~256 KiB to stdout and stderr per step (lrfind must keep draining the pipe)."""
import os, stat, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "python"))
from lrfind_trainer import serve

chatty = "--chatty" in sys.argv
sock = os.environ["LRFIND_SOCKET"]
print("stdin:", "eof" if sys.stdin.read() == "" else "data")
print("dir mode: %o" % stat.S_IMODE(os.stat(os.path.dirname(sock)).st_mode))
print("pgrp is pid:", os.getpgrp() == os.getpid())
print("unbuffered:", os.environ.get("PYTHONUNBUFFERED"))
print("open fds:", sorted(int(fd) for fd in os.listdir("/proc/self/fd")))
k = 0

def step(lr):
    global k
    if chatty:
        sys.stdout.write(("x" * 1023 + "\n") * 256)
        sys.stderr.write(("y" * 1023 + "\n") * 256)
    print("step", k, repr(lr))
    k += 1
    special = {0.5: float("nan"), 0.25: float("inf"), 0.125: float("-inf")}
    return special.get(lr, k - 1 + lr)

def reset():
    global k
    print("reset")
    k = 0

serve(step, reset, hello={"name": "good trainer", "params": 123, "batch": 8})
print("got quit")
