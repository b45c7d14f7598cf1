#!/usr/bin/env python3
"""Answers iteration 1 with 'loss twelve'."""
import _fault

_fault.run("malformed", 1)
