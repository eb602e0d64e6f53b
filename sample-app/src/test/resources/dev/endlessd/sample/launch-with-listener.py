#!/usr/bin/env python3
"""Starts workers with an inherited listening socket, the way endlessd does, for the integration tests.

Usage: launch-with-listener.py (--tcp HOST | --unix PATH) [--workers N] -- COMMAND...

Binds one listening socket with O_NONBLOCK set (as endlessd hands it out), forks N workers that each get
it as fd 3 with LISTEN_FDS=1, LISTEN_FDNAMES=http and LISTEN_PID set to their own pid (exec keeps the
pid), and keeps its own copy open until every worker has exited, as the supervisor does. It prints
"listening <address>", one "worker <pid>" per worker, and "worker <pid> exited <status>" lines, then
exits with the first worker's exit status.

It also plays a neighbour that changes the socket's mode on the open file description every holder
shares: SIGUSR1 clears O_NONBLOCK once ("cleared O_NONBLOCK"), SIGUSR2 starts flipping it every
millisecond until the workers are gone ("toggling O_NONBLOCK"; at the end "toggled O_NONBLOCK N times").
"""
import fcntl
import os
import signal
import socket
import sys
import threading
import time


def set_nonblocking(fd, on):
    flags = fcntl.fcntl(fd, fcntl.F_GETFL)
    fcntl.fcntl(fd, fcntl.F_SETFL, flags | os.O_NONBLOCK if on else flags & ~os.O_NONBLOCK)


def toggle(fd, stop, flips):
    while not stop.is_set():
        set_nonblocking(fd, flips[0] % 2 == 1)
        flips[0] += 1
        time.sleep(0.001)


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
    sock.setblocking(False)
    print("listening " + address, flush=True)

    stop = threading.Event()
    flips = [0]
    toggler = threading.Thread(target=toggle, args=(sock.fileno(), stop, flips), daemon=True)

    def clear(signum, frame):
        set_nonblocking(sock.fileno(), False)
        print("cleared O_NONBLOCK", flush=True)

    def start_toggling(signum, frame):
        if not toggler.is_alive():
            toggler.start()
            print("toggling O_NONBLOCK", flush=True)

    signal.signal(signal.SIGUSR1, clear)
    signal.signal(signal.SIGUSR2, start_toggling)

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
    if toggler.is_alive():
        stop.set()
        toggler.join()
        print("toggled O_NONBLOCK %d times" % flips[0], flush=True)
    code = statuses[pids[0]]
    sys.exit(code if code >= 0 else 128 - code)


def exec_worker(sock, command):
    # A worker starts with default signal handling and an empty mask, as endlessd promises.
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    if sock.fileno() != 3:
        os.dup2(sock.fileno(), 3)
    os.set_inheritable(3, True)
    env = dict(os.environ, LISTEN_FDS="1", LISTEN_FDNAMES="http", LISTEN_PID=str(os.getpid()))
    os.execvpe(command[0], command, env)


if __name__ == "__main__":
    main(sys.argv[1:])
