#!/usr/bin/env python3
"""Closes the socket in iteration 2 and stays alive."""
import _fault

_fault.run("close", 2)
