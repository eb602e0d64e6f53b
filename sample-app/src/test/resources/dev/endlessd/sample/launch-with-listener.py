#!/usr/bin/env python3
"""Starts workers with an inherited listening socket, the way endlessd does, for the integration tests.

Usage: launch-with-listener.py (--tcp HOST | --unix PATH) [--workers N] -- COMMAND...

Binds one listening socket in blocking mode (as endlessd leaves it), forks N workers that each get it
as fd 3 with LISTEN_FDS=1, LISTEN_FDNAMES=http and LISTEN_PID set to their own pid (exec keeps the
pid), and keeps its own copy open until every worker has exited, as the supervisor does. It prints
"listening <address>", one "worker <pid>" per worker, and "worker <pid> exited <status>" lines, then
exits with the first worker's exit status.
"""
import os
import signal
import socket
import sys


def main(argv):
    split = argv.index("--")
    options, command = argv[:split], argv[split + 1:]
    workers = 1
    if "--workers" in options:
        workers = int(options[options.index("--workers") + 1])
    if "--tcp" in options:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((options[options.index("--tcp") + 1], 0))
        address = "%s:%d" % sock.getsockname()
    else:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        address = options[options.index("--unix") + 1]
        sock.bind(address)
    sock.listen(128)
    sock.setblocking(True)
    print("listening " + address, flush=True)

    pids = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            exec_worker(sock, command)
        pids.append(pid)
        print("worker %d" % pid, flush=True)

    statuses = {}
    while len(statuses) < len(pids):
        pid, status = os.wait()
        statuses[pid] = os.waitstatus_to_exitcode(status)
        print("worker %d exited %d" % (pid, statuses[pid]), flush=True)
    code = statuses[pids[0]]
    sys.exit(code if code >= 0 else 128 - code)


def exec_worker(sock, command):
    # A worker starts with default signal handling and an empty mask, as endlessd promises.
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    if sock.fileno() != 3:
        os.dup2(sock.fileno(), 3)
    os.set_inheritable(3, True)
    env = dict(os.environ, LISTEN_FDS="1", LISTEN_FDNAMES="http", LISTEN_PID=str(os.getpid()))
    os.execvpe(command[0], command, env)


if __name__ == "__main__":
    main(sys.argv[1:])
