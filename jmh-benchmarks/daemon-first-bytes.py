#!/usr/bin/env python3
"""When does Docker start unpacking an archive that is POSTed to /images/load?

Sends ARCHIVE (a docker-archive tar, e.g. from `docker save`) to the engine's Unix socket as a
chunked body, its first 512 bytes either with the rest at once or DELAY ms ahead of it, and prints
how long the rest took to be taken and answered, alternating the two ways RUNS times each.

    python3 jmh-benchmarks/daemon-first-bytes.py ARCHIVE [RUNS] [DELAY_MS] [SOCKET]
"""
import socket
import sys
import time

archive = open(sys.argv[1], 'rb').read()
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
delay = (int(sys.argv[3]) if len(sys.argv) > 3 else 50) / 1000
path = sys.argv[4] if len(sys.argv) > 4 else '/var/run/docker.sock'
FIRST = 512


def load(ahead):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    head = (b"POST /images/load?quiet=1 HTTP/1.1\r\nHost: docker\r\nContent-Type: application/x-tar\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    s.sendall(head + b"%x\r\n" % FIRST + archive[:FIRST] + b"\r\n")
    if ahead:
        time.sleep(delay)
    start = time.time()
    rest = archive[FIRST:]
    s.sendall(b"%x\r\n" % len(rest) + rest + b"\r\n0\r\n\r\n")
    taken = time.time()
    answer = b""
    while not answer.endswith(b"0\r\n\r\n"):
        got = s.recv(65536)
        if not got:
            break
        answer += got
    s.close()
    if b"Loaded image" not in answer:
        sys.exit("the engine did not load the archive: " + answer.decode(errors="replace"))
    return (taken - start) * 1000, (time.time() - start) * 1000


for _ in range(runs):
    for ahead in (False, True):
        sent, answered = load(ahead)
        print("first 512 bytes %-14s the rest taken in %5.1f ms, answered after %5.1f ms"
              % ("%d ms ahead:" % (delay * 1000) if ahead else "with the rest:", sent, answered))
