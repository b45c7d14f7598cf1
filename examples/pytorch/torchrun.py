#!/usr/bin/env python3
"""torchrun, usable where it is broken: torch before 2.0 under Python 3.11 (Debian 12's
python3-torch 1.13) fails at start with "AttributeError: 'NoneType' object has no attribute
'get'", because Std.from_str("0") returns None once IntFlag stops listing its zero member.
This repairs that one function when it is broken, then runs torch.distributed.run:

    python3 examples/pytorch/torchrun.py --standalone --nproc_per_node=2 examples/pytorch/ddp.py

is `torchrun --standalone --nproc_per_node=2 examples/pytorch/ddp.py` on a working torch, with
one more repair: torch 1.13's --standalone always takes port 29400, so two sweeps at once (or a
leftover job) collide; here --standalone gets a free port instead, as torchrun's own help
advises (--rdzv_backend=c10d --rdzv_endpoint=localhost:PORT).
"""
import re
import socket
import sys
import uuid

from torch.distributed.elastic.multiprocessing import api

if api.Std.from_str("0") is None:
    def _from_str(vm):
        if re.match(api._VALUE_REGEX, vm):
            return api.Std(int(vm))
        if re.match(api._MAPPING_REGEX, vm):
            return {int(i): api.Std(int(v)) for i, v in (m.split(":") for m in vm.split(","))}
        raise ValueError("%s does not match: <%s> or <%s>" % (vm, api._VALUE_REGEX, api._MAPPING_REGEX))

    api.Std.from_str = staticmethod(_from_str)

from torch.distributed.run import main  # noqa: E402


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def standalone_on_a_free_port(argv):
    """Replace --standalone (before the script) with a c10d rendezvous on a free port."""
    script = next((i for i, a in enumerate(argv) if a.endswith(".py")), len(argv))
    if "--standalone" not in argv[:script]:
        return argv
    rdzv = ["--rdzv_backend=c10d", "--rdzv_endpoint=localhost:%d" % free_port(),
            "--rdzv_id=%s" % uuid.uuid4()]
    i = argv.index("--standalone")
    return argv[:i] + rdzv + argv[i + 1:]


if __name__ == "__main__":
    sys.argv = ["torchrun"] + standalone_on_a_free_port(sys.argv[1:])
    sys.exit(main())
