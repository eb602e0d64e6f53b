#!/usr/bin/env python3
"""The smallest endlessd worker, for bench/supervisor-figures: sends READY=1 the moment it runs, then waits
for SIGTERM and exits 0. It never accepts: the figures it serves are the supervisor's own (memory, and the
time from SIGHUP to spawn and from READY to the old worker's SIGTERM), not a server's."""
import os
import signal
import socket
import sys

signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
if os.environ.get("LISTEN_PID") != str(os.getpid()):
    sys.exit("LISTEN_PID=%s is not our pid %d" % (os.environ.get("LISTEN_PID"), os.getpid()))
with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
    notify.sendto(b"READY=1", os.environ["NOTIFY_SOCKET"])
signal.sigwait({signal.SIGTERM})
