"""Many DUIS requests at once against an ASGI app, in process (httpx's ASGI transport)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from harness.domain.requests import Endpoint


def post_at_once(app: Any, count: int) -> list[httpx.Response]:
    """``count`` POSTs of ``<rN/>`` to the send-command endpoint, all started together; the
    answers in the order sent."""

    async def load() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://dsp") as client:
            return await asyncio.gather(
                *(
                    client.post(
                        Endpoint.SEND_COMMAND.value,
                        content=f"<r{n}/>".encode(),
                        headers={"content-type": "application/xml"},
                    )
                    for n in range(count)
                )
            )

    return asyncio.run(load())
