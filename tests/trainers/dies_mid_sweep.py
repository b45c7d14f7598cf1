#!/usr/bin/env python3
"""Exits with status 5 in iteration 3, after a traceback-like log."""
import _fault

_fault.run("exit", 3, 5)
