#!/usr/bin/env python3
"""Kills itself with SIGKILL in iteration 3."""
import _fault

_fault.run("signal", 3, 9)
