"""Speak lrfind's trainer protocol (version 1) from Python. Standard library only.

lrfind starts your script with LRFIND_SOCKET set; call serve() with two functions:

    from lrfind_trainer import serve

    def step(lr):      # train one mini-batch at rate lr; return its loss, measured
        ...            # before the update (nan/inf are fine: lrfind stops the sweep)
    def reset():       # restore the weights, optimizer state, RNG and data order that
        ...            # the model had before the first step

    serve(step, reset, hello={"name": "my-model", "params": 12345, "batch": 64})

serve() returns when lrfind says "quit" (or hangs up). Print whatever you like: lrfind
sends your stdout and stderr to its trainer log, never to the terminal. An exception in
step() or reset() is reported to lrfind as "error <type>: <message>" and then re-raised.
For more control (e.g. DDP, where rank 0 relays commands), use Connection directly.
"""

import math
import os
import socket

PROTOCOL_VERSION = 1
MAX_LINE = 4096

__all__ = ["serve", "Connection", "ProtocolError", "PROTOCOL_VERSION"]


class ProtocolError(RuntimeError):
    """lrfind sent something this module does not understand, or reported an error."""


def _field(value):
    return "_".join(str(value).split()) or "_"


class Connection:
    """One connection to lrfind: send hello, then read commands and answer them.

    recv() returns ("step", lr), ("reset", None) or ("quit", None); "quit" is also
    returned when lrfind hangs up. Answer a step with loss(), a reset with ok().
    """

    def __init__(self, path=None, hello=None):
        path = path or os.environ.get("LRFIND_SOCKET")
        if not path:
            raise RuntimeError("LRFIND_SOCKET is not set: run this script through lrfind "
                               "(trainer.kind: exec, trainer.command: [...])")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self._rfile = self.sock.makefile("rb")
        fields = "".join(" %s=%s" % (k, _field(v)) for k, v in (hello or {}).items()
                         if v is not None and str(v) != "")
        self._send("hello %d%s" % (PROTOCOL_VERSION, fields))

    def _send(self, line):
        self.sock.sendall((line + "\n").encode("utf-8", "replace"))

    def recv(self):
        raw = self._rfile.readline(MAX_LINE + 2)
        if not raw:
            return ("quit", None)
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        cmd, _, arg = line.partition(" ")
        if cmd == "step":
            return ("step", float(arg))
        if cmd in ("reset", "quit"):
            return (cmd, None)
        if cmd == "error":
            raise ProtocolError("lrfind: " + arg)
        raise ProtocolError("unexpected line from lrfind: %r" % line)

    def loss(self, value):
        value = float(value)
        if math.isnan(value):
            text = "nan"
        elif math.isinf(value):
            text = "inf" if value > 0 else "-inf"
        else:
            text = repr(value)
        self._send("loss " + text)

    def ok(self):
        self._send("ok")

    def error(self, message):
        self._send("error " + " ".join(str(message).split()))

    def close(self):
        try:
            self._rfile.close()
            self.sock.close()
        except OSError:
            pass


def serve(step, reset, hello=None, path=None):
    """Connect to lrfind and answer its commands until it says quit."""
    conn = Connection(path, hello)
    try:
        while True:
            cmd, arg = conn.recv()
            if cmd == "quit":
                return
            try:
                if cmd == "step":
                    conn.loss(step(arg))
                else:
                    reset()
                    conn.ok()
            except Exception as e:
                conn.error("%s: %s" % (type(e).__name__, e))
                raise
    finally:
        conn.close()
