#!/usr/bin/env python3
"""Connects to LRFIND_SOCKET but never says hello."""
import _fault

_fault.run("silent")
