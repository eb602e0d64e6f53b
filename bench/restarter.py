#!/usr/bin/env python3
"""Stop-then-start restarts of one worker: the baselines endlessd is measured against.

Usage: restarter.py --mode held|naive --port PORT [--name NAME] [--ready-timeout S] [--stop-timeout S] -- COMMAND...

  held   binds [::]:PORT (dual stack, backlog 4096, non-blocking, like endlessd) and passes it to the worker as
         fd 3 with LISTEN_FDS=1, LISTEN_FDNAMES=http and LISTEN_PID set to the worker's own pid: the socket
         and its backlog outlive every worker. A restart is what `systemctl restart app.service` does to a
         socket-activated service: SIGTERM, wait for the exit, start the new worker.
  naive  holds nothing: the worker gets `--port PORT` and binds it itself, so the port is closed from the
         moment the old worker closes its listener until the new one has bound it.

Both give the worker NOTIFY_SOCKET (one socket per generation in a private 0700 directory) and count it
ready on READY=1, as systemd does for Type=notify. SIGHUP restarts (requests arriving meanwhile are merged
into one); SIGTERM or SIGINT stops the worker and exits 0. The log on stdout uses endlessd's words so the
benchmark reads both the same way:

  14:13:08.464 INFO  restarter[NAME] reload requested (SIGHUP)
  14:13:08.465 INFO  restarter[NAME] gen=1 pid=4934 draining (restart): SIGTERM sent
  14:13:08.512 INFO  restarter[NAME] gen=1 pid=4934 exited after draining 47 ms: exit status 0
  14:13:08.514 INFO  restarter[NAME] gen=2 pid=4983 spawned (restart)
  14:13:09.300 INFO  restarter[NAME] gen=2 pid=4983 ready after 786 ms (READY=1)

systemd-socket-activate is not used for `held`: it execs the server in its own place, so it cannot
restart one, and it does not keep a copy of the socket between two workers.
"""
import argparse
import datetime
import errno
import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import time

HANDLED = (signal.SIGHUP, signal.SIGTERM, signal.SIGINT, signal.SIGCHLD)


class Failed(Exception):
    pass


class Stop(Exception):
    pass


def log(name, level, message):
    now = datetime.datetime.now()
    print("%s.%03d %-5s restarter[%s] %s" % (now.strftime("%H:%M:%S"), now.microsecond // 1000, level, name, message),
          flush=True)


def millis_since(start):
    return int((time.monotonic() - start) * 1000)


def exit_text(status):
    code = os.waitstatus_to_exitcode(status)
    return "exit status %d" % code if code >= 0 else "killed by %s" % signal.Signals(-code).name


class Worker:
    def __init__(self, generation, pid, notify):
        self.generation = generation
        self.pid = pid
        self.notify = notify
        self.status = None

    def __str__(self):
        return "gen=%d pid=%d" % (self.generation, self.pid)


class Restarter:
    def __init__(self, args):
        self.args = args
        self.name = args.name
        self.listener = self.bind() if args.mode == "held" else None
        self.private_dir = tempfile.mkdtemp(prefix="restarter-")
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        signal.set_wakeup_fd(self.wake_w)
        for signum in HANDLED:
            signal.signal(signum, lambda *_: None)
        self.pending = set()
        self.worker = None
        self.generation = 0

    def bind(self):
        sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("::", self.args.port))
        sock.listen(4096)
        sock.setblocking(False)
        return sock

    def log(self, message, level="INFO"):
        log(self.name, level, message)

    # Events: signals arrive as bytes on the wakeup pipe; READY as datagrams on the worker's notify socket.

    def wait(self, timeout, notify=None):
        """Waits up to timeout seconds for signals or a datagram; returns the datagram's text, if one came."""
        sources = [self.wake_r] + ([notify] if notify else [])
        readable, _, _ = select.select(sources, [], [], timeout)
        if self.wake_r in readable:
            try:
                self.pending.update(os.read(self.wake_r, 64))
            except BlockingIOError:
                pass
        if notify and notify in readable:
            return notify.recv(4096).decode("utf-8", "replace")
        return None

    def reap(self):
        """Collects the worker's exit if it has exited; True when it has."""
        worker = self.worker
        if worker.status is None:
            pid, status = os.waitpid(worker.pid, os.WNOHANG)
            if pid == worker.pid:
                worker.status = status
        return worker.status is not None

    def spawn(self, kind):
        self.generation += 1
        path = os.path.join(self.private_dir, "notify-%d.sock" % self.generation)
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(path)
        command = list(self.args.command)
        if self.listener is None:
            command += ["--port", str(self.args.port)]
        pid = os.fork()
        if pid == 0:
            self.exec_worker(command, path)
        self.worker = Worker(self.generation, pid, notify)
        self.log("%s spawned (%s)" % (self.worker, kind))
        return self.worker

    def exec_worker(self, command, notify_path):
        try:
            for signum in HANDLED:
                signal.signal(signum, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            env = dict(os.environ, NOTIFY_SOCKET=notify_path, ENDLESSD_GENERATION=str(self.generation))
            for key in ("LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"):
                env.pop(key, None)
            if self.listener is not None:
                if self.listener.fileno() == 3:
                    os.set_inheritable(3, True)  # dup2(3, 3) would leave it close-on-exec
                else:
                    os.dup2(self.listener.fileno(), 3)
                env.update(LISTEN_FDS="1", LISTEN_FDNAMES="http", LISTEN_PID=str(os.getpid()))
            os.execvpe(command[0], command, env)
        except BaseException as e:
            print("restarter: cannot run %s: %s" % (command[0], e), file=sys.stderr, flush=True)
        finally:
            os._exit(127)

    def await_ready(self, worker):
        started = time.monotonic()
        deadline = started + self.args.ready_timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(worker.pid, signal.SIGKILL)
                raise Failed("not ready within %ds" % self.args.ready_timeout)
            message = self.wait(left, worker.notify)
            if message and "READY=1" in message.splitlines():
                self.log("%s ready after %d ms (READY=1)" % (worker, millis_since(started)))
                return
            if self.reap():
                raise Failed("worker exited with %s before it was ready" % exit_text(worker.status))
            if self.pending & {signal.SIGTERM, signal.SIGINT}:
                raise Stop()

    def stop_worker(self, why):
        worker = self.worker
        started = time.monotonic()
        os.kill(worker.pid, signal.SIGTERM)
        self.log("%s draining (%s): SIGTERM sent" % (worker, why))
        deadline = started + self.args.stop_timeout
        while not self.reap():
            left = deadline - time.monotonic()
            if left <= 0:
                self.log("%s still running after %ds: SIGKILL" % (worker, self.args.stop_timeout), "WARN")
                os.kill(worker.pid, signal.SIGKILL)
                deadline = float("inf")
            self.wait(max(0.0, min(left, 1.0)))
        worker.notify.close()
        self.log("%s exited after draining %d ms: %s" % (worker, millis_since(started), exit_text(worker.status)))

    def run(self):
        self.log("pid=%d mode=%s port=%d command: %s" % (os.getpid(), self.args.mode, self.args.port,
                                                          " ".join(self.args.command)))
        try:
            self.await_ready(self.spawn("start"))
            self.log("%s serves (start)" % self.worker)
            while True:
                if not self.pending:
                    self.wait(None)
                if self.pending & {signal.SIGTERM, signal.SIGINT}:
                    raise Stop()
                if signal.SIGCHLD in self.pending and self.reap():
                    self.log("%s exited unexpectedly: %s" % (self.worker, exit_text(self.worker.status)), "ERROR")
                    return 1
                if signal.SIGHUP in self.pending:
                    self.pending.clear()
                    self.restart()
                self.pending.discard(signal.SIGCHLD)
        except Stop:
            self.log("stopping (SIGTERM)")
            if self.worker and not self.reap():
                self.stop_worker("restarter is stopping")
            return 0
        except Failed as e:
            self.log("reload of gen=%d failed: %s; nothing serves" % (self.generation, e), "ERROR")
            return 1
        finally:
            shutil.rmtree(self.private_dir, ignore_errors=True)

    def restart(self):
        self.log("reload requested (SIGHUP)")
        self.stop_worker("restart")
        self.await_ready(self.spawn("restart"))
        self.log("reload succeeded: %s serves" % self.worker)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mode", choices=("held", "naive"), required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--name", default="default")
    parser.add_argument("--ready-timeout", type=int, default=60)
    parser.add_argument("--stop-timeout", type=int, default=30)
    parser.add_argument("command", nargs="+")
    args = parser.parse_args(argv)
    try:
        return Restarter(args).run()
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            log(args.name, "ERROR", "port %d is already in use" % args.port)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
