"""The peer for the fetcher CLI benchmark: a plain aiohttp batch fetcher.

Reads URLs (one per line) from a file, fetches them with at most CONCURRENCY in flight,
and prints one JSON line per request, as the fetcher CLI does.
Usage: python3 aiohttp_fetch.py URLS_FILE CONCURRENCY
"""

import asyncio
import json
import sys

import aiohttp


async def main(path: str, concurrency: int) -> None:
    with open(path) as f:
        urls = [line.strip() for line in f if line.strip()]
    semaphore = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def fetch(url: str) -> None:
            async with semaphore:
                async with session.get(url) as response:
                    body = await response.read()
                    print(json.dumps({"url": url, "status": response.status, "bytes": len(body)}))

        await asyncio.gather(*(fetch(url) for url in urls))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
