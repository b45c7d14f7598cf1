#!/usr/bin/env python3
"""torchrun, usable where it is broken: torch before 2.0 under Python 3.11 (Debian 12's
python3-torch 1.13) fails at start with "AttributeError: 'NoneType' object has no attribute
'get'", because Std.from_str("0") returns None once IntFlag stops listing its zero member.
This repairs that one function when it is broken, then runs torch.distributed.run as is:

    python3 examples/pytorch/torchrun.py --standalone --nproc_per_node=2 examples/pytorch/ddp.py

is `torchrun --standalone --nproc_per_node=2 examples/pytorch/ddp.py` on a working torch.
"""
import re
import sys

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

if __name__ == "__main__":
    sys.argv[0] = "torchrun"
    sys.exit(main())
