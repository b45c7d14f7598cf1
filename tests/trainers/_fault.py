"""The misbehaving trainers behind the fault scripts here: run(fault, n, arg2) where fault is
  slow N       answer steps, but sleep 60 s in step N
  exit N S     exit with status S in step N (after printing a traceback-like log)
  signal N S   kill itself with signal S in step N
  malformed N  answer step N with a malformed line
  wrong N      answer step N with 'ok'
  version V    say 'hello V'
  nohello      send 'goodbye' as its first line
  silent       connect, then say nothing
  long N       answer step N with a line of 10000 bytes
  close N      close the socket in step N and stay alive
  error N      answer step N with 'error CUDA out of memory', then wait for quit
  stubborn     ignore SIGTERM, 'quit' and hang-ups
  grandchild   start a child process in the same group, then behave
  badreset     answer 'reset' with 'loss 1'
"""
import os, signal, socket, subprocess, sys, time


def run(fault, arg=-1, arg2=0):
    s = socket.socket(socket.AF_UNIX)
    s.connect(os.environ["LRFIND_SOCKET"])
    f = s.makefile("rb")
    def send(line):
        s.sendall(line.encode() + b"\n")
    if fault == "stubborn":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if fault == "grandchild":
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        print("grandchild", child.pid, flush=True)
    if fault == "silent":
        time.sleep(60)
        return
    if fault == "version":
        send("hello %d name=future" % arg)
    elif fault == "nohello":
        send("goodbye")
    else:
        send("hello 1 name=raw-%s" % fault)
    k = 0
    while True:
        line = f.readline().decode()
        if not line:
            if fault == "stubborn":
                time.sleep(60)
            break
        cmd = line.split()
        print("got", line.strip(), flush=True)
        if cmd[0] == "quit":
            if fault == "stubborn":
                continue
            break
        if cmd[0] == "reset":
            send("loss 1" if fault == "badreset" else "ok")
            k = 0
            continue
        if cmd[0] != "step":
            continue
        if k == arg:
            if fault == "slow":
                time.sleep(60)
            elif fault == "exit":
                print("Traceback (most recent call last):")
                print('  File "train.py", line 42, in step')
                print("RuntimeError: the loss went sideways", file=sys.stderr, flush=True)
                sys.exit(arg2)
            elif fault == "signal":
                print("about to die", flush=True)
                os.kill(os.getpid(), arg2)
                time.sleep(5)
            elif fault == "malformed":
                send("loss twelve"); k += 1; continue
            elif fault == "wrong":
                send("ok"); k += 1; continue
            elif fault == "long":
                send("loss " + "1" * 10000); k += 1; continue
            elif fault == "close":
                f.close(); s.close(); print("closed the socket", flush=True); time.sleep(60)
            elif fault == "error":
                send("error CUDA out of memory"); k += 1; continue
        send("loss %r" % (float(k) + float(cmd[1])))
        k += 1
    print("bye", flush=True)
