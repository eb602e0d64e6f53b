#!/usr/bin/env python3
"""How long after READY a gunicorn whose app fails to load exits: the late failure --probation must outlast.

gunicorn's master sends READY=1 before its workers import the app; when they fail, it exits. Usage:
  GUNICORN=/path/to/venv/bin/gunicorn python3 bench/probation-window/measure.py
"""
import os, socket, subprocess, sys, time, statistics
HERE = os.path.dirname(os.path.abspath(__file__))
GUNICORN = os.environ.get("GUNICORN", "gunicorn")
def once(load):
    path = os.path.join(HERE, "notify.sock")
    if os.path.exists(path): os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(path)
    env = dict(os.environ, NOTIFY_SOCKET=path, LOAD_S=str(load))
    t0 = time.monotonic()
    p = subprocess.Popen([GUNICORN, "-w", "2", "-b", "127.0.0.1:0", "--chdir", HERE, "badapp:app"],
                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ready = None
    s.settimeout(30)
    while ready is None:
        msg = s.recv(4096)
        if b"READY=1" in msg: ready = time.monotonic()
    p.wait(); end = time.monotonic(); s.close()
    return ready - t0, end - ready, p.returncode
for load in [0, 1, 2.5]:
    r = [once(load) for _ in range(5)]
    after = [x[1] for x in r]
    print("app load %.1fs: READY at %.2fs after spawn; exit %d at %.2f..%.2fs (median %.2fs) after READY" % (
        load, statistics.median(x[0] for x in r), r[0][2], min(after), max(after), statistics.median(after)))
