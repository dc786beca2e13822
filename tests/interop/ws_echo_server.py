#!/usr/bin/env python3
"""A WebSocket echo server for stampede's interop test, on Debian's python3-websockets (10.4).

Listens on 127.0.0.1 on a free port and prints the port as its first line. Echoes text and
binary messages, chooses the subprotocol "echo" when it is offered, answers pings (the library
does), and closes with 4000 "bye" when it receives the text "close-me". Exits 3 with a message on
stderr when the websockets package is missing, and by itself after --lifetime seconds (60).
"""
import argparse
import asyncio
import sys

try:
    import websockets
except ImportError:
    print("missing: python3 websockets (Debian's python3-websockets; scripts/setup installs it)", file=sys.stderr)
    sys.exit(3)


async def echo(socket, path=None):  # 10.4 passes the path; later versions do not
    try:
        async for message in socket:
            if message == "close-me":
                await socket.close(code=4000, reason="bye")
                return
            await socket.send(message)
    except websockets.ConnectionClosed:
        pass


async def main(lifetime):
    async with websockets.serve(echo, "127.0.0.1", 0, subprotocols=["echo"], max_size=None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.sleep(lifetime)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lifetime", type=float, default=60)
    asyncio.run(main(parser.parse_args().lifetime))
