#!/usr/bin/env python3
"""aiohttp_peer.py: a stand-in for a Chia node's transport, for interoperability tests.

Chia's farmer and harvester run their WebSocket over aiohttp with Python ssl contexts set up as
chia/server/ssl_context.py does (private CA, CERT_REQUIRED, no hostname check, TLS 1.3 minimum on
the server). This script does the same with the same library, and speaks the Chia Handshake, so
cfarm's transport is checked against the code path a stock Chia node uses, without Chia itself.

  aiohttp_peer.py server ROOT PORTFILE      farmer side: serve until one harvester completed
                                            the Handshake and closed with 1000, then exit
  aiohttp_peer.py client ROOT HOST PORT     harvester side: handshake with a farmer, print it

ROOT is a root made by `cfarm init`. Exit status 0 when the exchange completed.
"""
import asyncio
import os
import ssl
import struct
import sys

import aiohttp
from aiohttp import web

MAX_MESSAGE = 50 * 1024 * 1024
HANDSHAKE = 1


def ssl_paths(root, node):
    ssl_dir = os.path.join(root, "config", "ssl")
    return (os.path.join(ssl_dir, "ca", "private_ca.crt"),
            os.path.join(ssl_dir, node, "private_%s.crt" % node),
            os.path.join(ssl_dir, node, "private_%s.key" % node))


def server_context(root):
    ca, crt, key = ssl_paths(root, "farmer")
    ctx = ssl._create_unverified_context(purpose=ssl.Purpose.CLIENT_AUTH, cafile=ca)
    ctx.check_hostname = False
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_cert_chain(certfile=crt, keyfile=key)
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def client_context(root):
    ca, crt, key = ssl_paths(root, "harvester")
    ctx = ssl._create_unverified_context(purpose=ssl.Purpose.SERVER_AUTH, cafile=ca)
    ctx.check_hostname = False
    ctx.load_cert_chain(certfile=crt, keyfile=key)
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


# --- streamable, just what the Handshake needs --------------------------------------------------

def put_str(s):
    b = s.encode()
    return struct.pack(">I", len(b)) + b


def handshake(network, version, software, port, node_type):
    caps = [(1, "1"), (2, "1"), (3, "1")]
    body = put_str(network) + put_str(version) + put_str(software)
    body += struct.pack(">HB", port, node_type) + struct.pack(">I", len(caps))
    for cid, val in caps:
        body += struct.pack(">H", cid) + put_str(val)
    return body


def message(mtype, data, mid=None):
    head = bytes([mtype]) + (b"\x00" if mid is None else b"\x01" + struct.pack(">H", mid))
    return head + struct.pack(">I", len(data)) + data


def parse_message(frame):
    mtype, flag = frame[0], frame[1]
    off = 2
    mid = None
    if flag == 1:
        mid = struct.unpack(">H", frame[2:4])[0]
        off = 4
    elif flag != 0:
        raise ValueError("id flag")
    (n,) = struct.unpack(">I", frame[off:off + 4])
    data = frame[off + 4:]
    if len(data) != n:
        raise ValueError("length")
    return mtype, mid, data


def parse_handshake(b):
    off = 0

    def get_str():
        nonlocal off
        (n,) = struct.unpack(">I", b[off:off + 4])
        s = b[off + 4:off + 4 + n].decode()
        off += 4 + n
        return s

    network, version, software = get_str(), get_str(), get_str()
    port, node_type = struct.unpack(">HB", b[off:off + 3])
    off += 3
    (count,) = struct.unpack(">I", b[off:off + 4])
    off += 4
    caps = []
    for _ in range(count):
        (cid,) = struct.unpack(">H", b[off:off + 2])
        off += 2
        caps.append((cid, get_str()))
    if off != len(b):
        raise ValueError("trailing bytes")
    return network, version, software, port, node_type, caps


# --- sides ---------------------------------------------------------------------------------------

async def run_server(root, portfile):
    done = asyncio.get_running_loop().create_future()

    async def ws_handler(request):
        ws = web.WebSocketResponse(max_msg_size=MAX_MESSAGE)
        await ws.prepare(request)
        msg = await ws.receive()
        ok = False
        if msg.type == aiohttp.WSMsgType.BINARY:
            mtype, _, data = parse_message(msg.data)
            hs = parse_handshake(data) if mtype == HANDSHAKE else None
            if hs and hs[0] == "mainnet" and hs[4] == 2:
                reply = handshake("mainnet", "0.0.38", "aiohttp-farmer", 8447, 3)
                await ws.send_bytes(message(HANDSHAKE, reply))
                ok = True
                print("harvester handshake: %s %s node type %d caps %s" %
                      (hs[1], hs[2], hs[4], hs[5]))
            elif hs and hs[0] != "mainnet":
                await ws.close(code=1002, message=b"110")  # Err.INCOMPATIBLE_NETWORK_ID
        if not ok and not ws.closed:
            await ws.close(code=1002, message=b"-6")  # Err.INVALID_HANDSHAKE
        # wait for the harvester to close (cfarm ping closes with 1000)
        async for _ in ws:
            pass
        if ok and not done.done():
            done.set_result(ws.close_code == 1000)
        return ws

    app = web.Application()
    app.router.add_get("/ws", ws_handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_context(root))
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(portfile + ".tmp", portfile)
    try:
        ok = await asyncio.wait_for(done, 60)
    finally:
        await runner.cleanup()
    return 0 if ok else 1


async def run_client(root, host, port):
    url = "wss://%s:%d/ws" % (host, port)
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url, ssl=client_context(root), heartbeat=60,
                                      max_msg_size=MAX_MESSAGE, autoping=True) as ws:
            await ws.send_bytes(message(HANDSHAKE, handshake("mainnet", "0.0.38",
                                                             "aiohttp-harvester", 0, 2)))
            msg = await ws.receive(timeout=30)
            if msg.type != aiohttp.WSMsgType.BINARY:
                print("no handshake: %s" % (msg,))
                return 1
            mtype, _, data = parse_message(msg.data)
            hs = parse_handshake(data)
            print("farmer handshake: network %s version %s software %s port %d node type %d" %
                  (hs[0], hs[1], hs[2], hs[3], hs[4]))
            await ws.close()
            return 0 if mtype == HANDSHAKE and hs[4] == 3 and hs[0] == "mainnet" else 1


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "server":
        return asyncio.run(run_server(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 5 and sys.argv[1] == "client":
        return asyncio.run(run_client(sys.argv[2], sys.argv[3], int(sys.argv[4])))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
