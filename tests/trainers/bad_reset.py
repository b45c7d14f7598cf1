#!/usr/bin/env python3
"""Answers 'reset' with 'loss 1'."""
import _fault

_fault.run("badreset")
