#!/usr/bin/env python3
"""Answers iteration 1 with 'ok' instead of a loss."""
import _fault

_fault.run("wrong", 1)
