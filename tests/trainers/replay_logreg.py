#!/usr/bin/env python3
"""Replays examples/python/logreg.py (default options) without lrfind: trains the same model
at the rates of a sweep CSV and checks that every loss equals the one lrfind recorded.
Usage: replay_logreg.py SWEEP.csv   (exit 0 when all match)"""
import csv, os, random, sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "examples", "python"))
import logreg  # noqa: E402

rng = random.Random(0)
data = logreg.make_blobs(rng, 3, 8, 900, 0.8)
model = logreg.SoftmaxRegression(data, 3, 8, 32, 0.9, 0)
rows = [r for r in csv.reader(l for l in open(sys.argv[1]) if not l.startswith("#"))][1:]
bad = 0
for r in rows:
    lr, want = float(r[1]), float(r[2])
    got = model.step(lr)
    if not (got == want or (got != got and want != want)):
        print("iteration %s: lrfind recorded %r, the replay gives %r" % (r[0], want, got))
        bad += 1
print("%d rows, %d differ" % (len(rows), bad))
sys.exit(1 if bad or not rows else 0)
