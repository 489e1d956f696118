"""The local side of the realtime platform: API Gateway's WebSocket API and its management API, and the Lambda
event-source mapping that delivers DynamoDB stream records to the fan-out function.

- WebSocket clients connect on REALTIME.local_paths; each frame becomes the event API Gateway sends to the route
  function ($connect with the query string, $default with the body, $disconnect).
- `POST/GET/DELETE {local_management_path}/@connections/{id}` is the management API, so the unchanged boto3
  `apigatewaymanagementapi` client posts to local connections (moto has no WebSocket server; DESIGN.md §7).
- A poller reads the EventsTable stream from moto and invokes the fan-out function with batches in the shape
  Lambda delivers them.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from opsdesk.apimap import REALTIME, WebSocketApi
from scripts.local import moto_patches
from scripts.local.aws import LocalAws, client
from scripts.local.functions import lambda_handler
from scripts.local.gateway import LAMBDA_TIMEOUT_SECONDS, LambdaContext

LOG = logging.getLogger("opsdesk.local.realtime")
IDLE_WAIT_SECONDS = 1.0
"""How long a stream poller that has read to the end sleeps when moto takes no write (it wakes on one at once)."""
ACCEPT_WAIT_STEPS = 200
"""A post to a connection whose handshake is still being answered waits for it, 10 ms at a time (2 s at most)."""
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def _handler(function: str) -> Handler:
    return lambda_handler(function)  # type: ignore[return-value]


class LocalWebSocketApi:
    def __init__(self, region: str, api: WebSocketApi = REALTIME) -> None:
        self._api = api
        self._region = region
        self._sockets: dict[str, WebSocket] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def routes(self) -> list[BaseRoute]:
        management = f"{self._api.local_management_path}/@connections/{{connection_id}}"
        return [
            *(WebSocketRoute(path, self._serve) for path in self._api.local_paths),
            Route(management, self._manage, methods=["POST", "GET", "DELETE"]),
        ]

    def _event(self, websocket: WebSocket, connection_id: str, route: str, body: str | None = None) -> dict[str, Any]:
        now = datetime.now(UTC)
        event_type = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route, "MESSAGE")
        return {
            "requestContext": {
                "routeKey": route, "eventType": event_type, "connectionId": connection_id,
                "domainName": websocket.headers.get("host", "127.0.0.1"), "stage": "local",
                "requestId": str(uuid.uuid4()), "requestTimeEpoch": int(now.timestamp() * 1000),
                "apiId": "local-websocket", "connectedAt": int(now.timestamp() * 1000),
            },
            # A room in the path (/response/ws/incidents/{incident_id}) is a query parameter on AWS's WebSocket API.
            "queryStringParameters": {**dict(websocket.query_params), **websocket.path_params} or None,
            "headers": dict(websocket.headers),
            "body": body,
            "isBase64Encoded": False,
        }

    async def _invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        handler = _handler(self._api.route_function)
        context = LambdaContext(f"opsdesk-local-{self._api.route_function}", self._region)
        return await run_in_threadpool(handler, event, context)

    async def _serve(self, websocket: WebSocket) -> None:
        self._loop = asyncio.get_running_loop()
        connection_id = secrets.token_urlsafe(12)
        reply = await self._invoke(self._event(websocket, connection_id, "$connect"))
        if reply.get("statusCode") != 200:
            await websocket.close(code=1008)  # before accept: the handshake is refused (HTTP 403)
            return
        # Known before the handshake completes: a client may make the change it waits for the moment it is
        # connected, and the fan-out's post must then find the connection (a post meeting none would be a 410,
        # which deletes the connection's subscriptions), as API Gateway's connection exists once $connect allowed it.
        self._sockets[connection_id] = websocket
        try:
            await websocket.accept()
            while True:
                text = await websocket.receive_text()
                await self._invoke(self._event(websocket, connection_id, "$default", text))
        except WebSocketDisconnect:
            pass
        finally:
            self._sockets.pop(connection_id, None)
            await self._invoke(self._event(websocket, connection_id, "$disconnect"))

    async def _manage(self, request: Request) -> Response:
        connection_id = request.path_params["connection_id"]
        websocket = self._sockets.get(connection_id)
        if websocket is None:
            return JSONResponse({"message": "Gone"}, status_code=410, headers={"x-amzn-errortype": "GoneException"})
        if request.method == "POST":
            for _ in range(ACCEPT_WAIT_STEPS):  # the handshake of a connection $connect has just allowed
                if websocket.application_state is not WebSocketState.CONNECTING:
                    break
                await asyncio.sleep(0.01)
            await websocket.send_text((await request.body()).decode())
            return Response(status_code=200)
        if request.method == "DELETE":
            await websocket.close()
            return Response(status_code=204)
        return JSONResponse({"ConnectedAt": None, "Identity": {"SourceIp": "127.0.0.1"}})


def _new_image_type(record: dict[str, Any]) -> str | None:
    image = record.get("dynamodb", {}).get("NewImage") or {}
    value = image.get("type", {})
    return value.get("S") if isinstance(value, dict) else None


class StreamDelivery:
    """Polls one table's DynamoDB stream in moto and hands new records to a function, as an event-source
    mapping does. Starts at the stream's end: records written before it started are not delivered. With
    `event_types`, only INSERTs whose new image's `type` is one of them are delivered (the mapping's filter on
    AWS: opsdesk.apimap.StreamConsumer)."""

    def __init__(self, aws: LocalAws, table_logical_id: str, function: str,
                 event_types: tuple[str, ...] = (), timeout_seconds: int = LAMBDA_TIMEOUT_SECONDS) -> None:
        self._aws = aws
        self._timeout_seconds = timeout_seconds  # the function's timeout on AWS: its context tells what is left
        self._event_types = frozenset(event_types)
        self._table = aws.table_names[table_logical_id]
        self._function = function
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"stream-{table_logical_id}", daemon=True)

    def start(self) -> StreamDelivery:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _wanted(self, record: dict[str, Any]) -> bool:
        if not self._event_types:
            return True
        return record.get("eventName") == "INSERT" and _new_image_type(record) in self._event_types

    def _run(self) -> None:
        streams = client("dynamodbstreams", self._aws.endpoint, self._aws.region)
        arn = client("dynamodb", self._aws.endpoint, self._aws.region).describe_table(
            TableName=self._table)["Table"]["LatestStreamArn"]
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
        handler = _handler(self._function)
        seen = moto_patches.write_generation()
        while not self._stop.is_set():
            page = streams.get_records(ShardIterator=iterator, Limit=100)
            iterator = page["NextShardIterator"]
            records = [r for r in page.get("Records", []) if self._wanted(r)]
            if not page.get("Records"):  # read to the end: sleep until moto takes another write
                seen = moto_patches.wait_for_writes(seen, IDLE_WAIT_SECONDS)
                continue
            if not records:
                continue
            batch = {"Records": [r | {"eventSourceARN": arn} for r in records]}
            try:
                result = handler(batch, LambdaContext(f"opsdesk-local-{self._function}", self._aws.region,
                                                      self._timeout_seconds))
            except Exception:  # noqa: BLE001 - keep delivering; on AWS the mapping would retry and then give up
                LOG.exception("%s failed a batch of %d records", self._function, len(records))
                continue
            if result and result.get("batchItemFailures"):
                LOG.warning("%s failed %d records", self._function, len(result["batchItemFailures"]))
