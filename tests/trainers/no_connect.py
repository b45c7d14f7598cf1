#!/usr/bin/env python3
"""Never connects to LRFIND_SOCKET (exceeds connect_timeout_s)."""
import time

print("thinking very hard", flush=True)
time.sleep(60)
