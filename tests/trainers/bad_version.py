#!/usr/bin/env python3
"""Says 'hello 2': a protocol version lrfind does not speak."""
import _fault

_fault.run("version", 2)
