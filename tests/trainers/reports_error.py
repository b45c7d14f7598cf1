#!/usr/bin/env python3
"""Answers iteration 2 with 'error CUDA out of memory', then waits for quit."""
import _fault

_fault.run("error", 2)
