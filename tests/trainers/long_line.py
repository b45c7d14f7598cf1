#!/usr/bin/env python3
"""Answers iteration 1 with a line of 10000 bytes."""
import _fault

_fault.run("long", 1)
