#!/usr/bin/env python3
"""Sends 'goodbye' instead of hello."""
import _fault

_fault.run("nohello")
