#!/usr/bin/env python3
"""Ignores SIGTERM, 'quit' and hang-ups: only SIGKILL stops it."""
import _fault

_fault.run("stubborn")
