#!/usr/bin/env python3
"""Exits with status 3 before saying hello."""
import sys
print("loading data from /nonexistent")
print("FileNotFoundError: no such file: /nonexistent/train.csv", file=sys.stderr)
sys.exit(3)
