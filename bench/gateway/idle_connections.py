#!/usr/bin/env python3
"""Opens N keep-alive connections to an HTTP server, makes one request on each, and keeps them
open and idle until stdin closes. Prints "ready N" (N answered) once they are all open.

Usage: idle_connections.py N HOST PORT PATH   (used by bench/gateway/run.sh)
"""
import asyncio
import sys


async def one(host, port, path, ready, conns):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    ready.append(head.startswith(b"HTTP/1.1 200"))
    conns.append(writer)


async def main():
    n, host, port, path = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
    ready, conns = [], []
    batch = 500  # connect in batches: the listen backlog is finite
    for start in range(0, n, batch):
        await asyncio.gather(*(one(host, port, path, ready, conns) for _ in range(start, min(n, start + batch))))
    print(f"ready {sum(ready)}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for w in conns:
        w.close()


asyncio.run(main())
