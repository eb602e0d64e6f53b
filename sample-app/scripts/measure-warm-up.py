#!/usr/bin/env python3
"""Measures what --warm-up buys: latency of the first requests a fresh worker serves once it is ready.

Usage (from the repository root, after `mvn -pl sample-app package`):
    python3 sample-app/scripts/measure-warm-up.py [RUNS] [WARM_UP_REQUESTS...]

For each warm-up setting it starts the jar RUNS times on a free loopback port, waits for the
"serving HTTP" log line (the moment it would send READY), then times, on one keep-alive connection,
the first request and the next 199, then 20 requests each on a fresh connection. Only loopback.
"""
import re
import socket
import statistics
import subprocess
import sys
import time

JAR = "sample-app/target/sample-app.jar"


def request(sock, path="/"):
    sock.sendall(("GET %s HTTP/1.1\r\nHost: bench\r\n\r\n" % path).encode())
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    head, body = data.split(b"\r\n\r\n", 1)
    length = int(re.search(rb"content-length: (\d+)", head, re.I).group(1))
    while len(body) < length:
        body += sock.recv(4096)


def timed(fn):
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def one_run(warm_up):
    started = time.perf_counter()
    proc = subprocess.Popen(["java", "-jar", JAR, "--port", "0", "--warm-up", str(warm_up)],
                            stdout=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:
            m = re.search(r"serving HTTP on \S+:(\d+) ", line)
            if m:
                port = int(m.group(1))
                break
        ready_ms = (time.perf_counter() - started) * 1000
        sock = socket.create_connection(("127.0.0.1", port))
        keep_alive = [timed(lambda: request(sock)) for _ in range(200)]
        sock.close()

        def fresh():
            with socket.create_connection(("127.0.0.1", port)) as s:
                request(s)
        fresh_connections = [timed(fresh) for _ in range(20)]
        return ready_ms, keep_alive, fresh_connections
    finally:
        proc.terminate()
        proc.wait()


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    settings = [int(a) for a in sys.argv[2:]] or [0, 2000]
    print("warm-up  ready(ms)  first(ms)  next 199: p50 / max (ms)  fresh conns: p50 / max (ms)  sum of first 200 (ms)")
    for warm_up in settings:
        for _ in range(runs):
            ready, ka, fresh = one_run(warm_up)
            print("%7d  %9.0f  %9.2f  %12.3f / %7.2f  %15.3f / %6.2f  %10.1f" % (
                warm_up, ready, ka[0], statistics.median(ka[1:]), max(ka[1:]),
                statistics.median(fresh), max(fresh), sum(ka)))


if __name__ == "__main__":
    main()
