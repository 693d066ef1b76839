#!/usr/bin/env python3
"""Time to first event of a streamed Messages API call, N times in a row on fresh connections.

Usage: ttfb.py N HOST PORT PATH BODY [HEADER ...]     (HEADER: "Name: value")
Prints the median and p99 in milliseconds: "median_ms p99_ms failures". Used by proxy.sh.
"""
import socket
import statistics
import sys
import time


def one(host, port, path, body, headers):
    head = f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
    head += "".join(h + "\r\n" for h in headers)
    head += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    s = socket.create_connection((host, port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    start = time.perf_counter()
    s.sendall(head.encode() + body.encode())
    got = b""
    while b"data:" not in got:
        chunk = s.recv(65536)
        if not chunk:
            break
        got += chunk
    elapsed = time.perf_counter() - start
    while s.recv(65536):  # read the rest, so the server finishes cleanly
        pass
    s.close()
    return elapsed * 1000 if b"data:" in got and b" 200 " in got.split(b"\r\n", 1)[0] else None


def main():
    n, host, port, path, body = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
    headers = sys.argv[6:]
    times, failures = [], 0
    for _ in range(n):
        t = one(host, port, path, body, headers)
        if t is None:
            failures += 1
        else:
            times.append(t)
    if not times:
        print(f"nan nan {failures}")
        return
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"{statistics.median(times):.3f} {p99:.3f} {failures}")


main()
