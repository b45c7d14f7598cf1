#!/usr/bin/env python3
"""Starts a child process in its process group, then behaves."""
import _fault

_fault.run("grandchild")
