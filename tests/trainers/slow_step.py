#!/usr/bin/env python3
"""Answers two steps, then sleeps 60 s in iteration 2 (exceeds step_timeout_s)."""
import _fault

_fault.run("slow", 2)
