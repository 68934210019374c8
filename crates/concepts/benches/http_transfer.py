"""The peer of examples/http_transfer.rs in aiohttp, for scripts/bench-concepts-http.sh.

The same steps in one process: MIB MiB of random bytes written to DIR/source.bin, an aiohttp
server with /files/{name} (web.FileResponse) and /upload (iter_chunked, counted and hashed),
a client that downloads the file in 64 KiB chunks into a copy (writes in a thread, as
aiofiles does) and uploads it from an async generator reading the file in a thread; both
checked against the file's length and SHA-256. Prints `aiohttp MIB down_s up_s`.
"""

import asyncio
import hashlib
import os
import sys
import time

from aiohttp import ClientSession, ClientTimeout, web

CHUNK = 64 * 1024


def summarize(path):
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


async def main(mib, directory):
    source = os.path.join(directory, "source.bin")
    with open(source, "wb") as f:
        for _ in range(mib * 16):
            f.write(os.urandom(CHUNK))
    expected = summarize(source)

    async def files(request):
        return web.FileResponse(os.path.join(directory, request.match_info["name"]))

    async def upload(request):
        digest, size = hashlib.sha256(), 0
        async for chunk in request.content.iter_chunked(CHUNK):
            digest.update(chunk)
            size += len(chunk)
        return web.json_response({"received_bytes": size, "sha256": digest.hexdigest()})

    app = web.Application(client_max_size=0)
    app.add_routes([web.get("/files/{name}", files), web.post("/upload", upload)])
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    loop = asyncio.get_running_loop()

    async with ClientSession(timeout=ClientTimeout(total=None)) as session:
        start = time.perf_counter()
        copy = os.path.join(directory, "copy.bin")
        digest, size = hashlib.sha256(), 0
        async with session.get(f"{base}/files/source.bin") as response:
            response.raise_for_status()
            with open(copy, "wb") as f:
                async for chunk in response.content.iter_chunked(CHUNK):
                    await loop.run_in_executor(None, f.write, chunk)
                    digest.update(chunk)
                    size += len(chunk)
        down = (size, digest.hexdigest())
        down_s = time.perf_counter() - start

        async def body():
            with open(source, "rb") as f:
                while chunk := await loop.run_in_executor(None, f.read, CHUNK):
                    yield chunk

        start = time.perf_counter()
        async with session.post(f"{base}/upload", data=body()) as response:
            answer = await response.json()
        up = (answer["received_bytes"], answer["sha256"])
        up_s = time.perf_counter() - start

    await runner.cleanup()
    if down != expected or up != expected:
        sys.exit(f"mismatch: file {expected}, download {down}, upload {up}")
    print(f"aiohttp {mib} {down_s:.3f} {up_s:.3f}")
    os.remove(copy)
    os.remove(source)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
