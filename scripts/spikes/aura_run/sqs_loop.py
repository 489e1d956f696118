"""Spike (docs/aura-run-spike.md): the aura run as an SQS-driven turn loop with a DynamoDB lease, on moto server.

Each SQS message is a kick {ticket, turn, sent_at}. A worker (threads in this process, polling the queue as the
Lambda SQS event source would) handles a kick in one turn:

1. lease: UpdateItem on the ticket's STATE item, conditioned on status = running, turn = kick.turn and no live
   lease (ReturnValues ALL_NEW: the checkpoint comes back with the lease). A failed condition drops the kick
   (stale or duplicate; under a live lease the holder's own kick is deleted only after its commit).
2. the turn's tool call, with the deterministic call id <ticket>#<turn>; the fake tool records calls by id
   and answers a repeated id from its record without doing the side effect again.
3. commit: one TransactWriteItems: STATE (turn + 1, status, lease released; conditioned on our lease and turn)
   and a TURN#n item with the call id and result (conditioned on not existing).
4. the next kick (SendMessage), unless the ticket now waits for a person (after turn 5) or is done (10 turns);
   then DeleteMessage of this kick.

The person's approval (the REST handler's job) is UpdateItem status waiting -> running + SendMessage; here an
approver thread does it as soon as a ticket waits. A crash (``--crash``) is injected after the tool call of
turn 3 and before the commit: the worker leaves the message, SQS redelivers it after the visibility timeout,
the lease has expired by then, the turn replays from the checkpoint with the same call id.

    .venv/bin/python scripts/spikes/aura_run/sqs_loop.py                 # 20 tickets x 10 turns, 1 and 4 workers
    .venv/bin/python scripts/spikes/aura_run/sqs_loop.py --crash         # crash before a commit; duplicate kicks
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import queue
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

PORT = 5999
ENDPOINT = f"http://127.0.0.1:{PORT}"
TURNS = 10
WAIT_AFTER_TURN = 4  # the ticket waits for approval after turn 4 commits (5 turns, approval, 5 turns)
os.environ.update({"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "spike", "AWS_SECRET_ACCESS_KEY": "spike"})


class CrashInjected(Exception):
    """The worker dies between the tool call and the checkpoint commit."""


class CallCounter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: collections.Counter[str] = collections.Counter()

    def hook(self, event_name: str, **_: Any) -> None:  # before-call.<service>.<Operation>
        _, service, op = event_name.split(".")
        with self.lock:
            self.calls[f"{service}:{op}"] += 1


def clients(counter: CallCounter) -> tuple[Any, Any]:
    config = Config(retries={"max_attempts": 2, "mode": "standard"}, max_pool_connections=20)
    ddb = boto3.client("dynamodb", endpoint_url=ENDPOINT, config=config)
    sqs = boto3.client("sqs", endpoint_url=ENDPOINT, config=config)
    for c in (ddb, sqs):
        c.meta.events.register("before-call.*.*", counter.hook)
    return ddb, sqs


class FakeTool:
    """An external system whose calls carry an id: a repeated id is answered from the record, not redone."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done: dict[str, str] = {}
        self.side_effects: collections.Counter[str] = collections.Counter()
        self.attempts: collections.Counter[str] = collections.Counter()

    def call(self, call_id: str) -> str:
        with self.lock:
            self.attempts[call_id] += 1
            if call_id in self.done:
                return self.done[call_id]
            self.side_effects[call_id] += 1
            self.done[call_id] = f"result:{call_id}"
            return self.done[call_id]


class Loop:
    def __init__(self, table: str, queue_url: str, *, lease_s: float, crash_at: set[str], copies: int = 1) -> None:
        self.copies = copies  # >1: every kick is sent that many times (SQS delivers at least once)
        self.table, self.queue_url, self.lease_s = table, queue_url, lease_s
        self.crash_at = crash_at  # call ids whose first turn dies before its commit
        self.tool = FakeTool()
        self.worker_calls, self.approver_calls, self.start_calls = CallCounter(), CallCounter(), CallCounter()
        self.latencies: list[float] = []  # kick sent -> turn committed, seconds
        self.work: list[float] = []  # lease taken -> turn committed, seconds (the turn's own calls)
        self.events: list[tuple[float, str]] = []
        self.lock = threading.Lock()
        self.waiting: queue.Queue[str] = queue.Queue()
        self.finished: set[str] = set()
        self.stop = threading.Event()
        self.crashes = 0

    def kick(self, sqs: Any, ticket: str, turn: int) -> None:
        for _ in range(self.copies):
            sqs.send_message(QueueUrl=self.queue_url,
                             MessageBody=json.dumps({"ticket": ticket, "turn": turn, "sent_at": time.time()}))

    def start(self, tickets: list[str]) -> None:
        ddb, sqs = clients(self.start_calls)
        for ticket in tickets:
            ddb.put_item(TableName=self.table, Item={"pk": {"S": ticket}, "sk": {"S": "STATE"}, "turn": {"N": "0"},
                                                      "status": {"S": "running"}})
            self.kick(sqs, ticket, 0)

    def turn(self, ddb: Any, sqs: Any, worker: str, message: dict[str, Any]) -> None:
        kick = json.loads(message["Body"])
        ticket, turn = kick["ticket"], kick["turn"]
        now = time.time()
        try:
            state = ddb.update_item(
                TableName=self.table, Key={"pk": {"S": ticket}, "sk": {"S": "STATE"}},
                UpdateExpression="SET lease_owner = :me, lease_until = :until",
                ConditionExpression="#s = :running AND turn = :turn AND "
                                    "(attribute_not_exists(lease_until) OR lease_until < :now)",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":me": {"S": worker}, ":until": {"N": str(now + self.lease_s)},
                                           ":running": {"S": "running"}, ":turn": {"N": str(turn)},
                                           ":now": {"N": str(now)}},
                ReturnValues="ALL_NEW")["Attributes"]
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            # Stale or duplicate kick, or another worker holds the lease for this turn: drop it. The kick that
            # took the lease is deleted only after its commit, so if that worker dies its kick comes back.
            sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
            return
        assert int(state["turn"]["N"]) == turn
        call_id = f"{ticket}#{turn}"
        result = self.tool.call(call_id)
        if call_id in self.crash_at:
            self.crash_at.discard(call_id)
            raise CrashInjected(call_id)
        last = turn == TURNS - 1
        status = "done" if last else "waiting" if turn == WAIT_AFTER_TURN else "running"
        ddb.transact_write_items(TransactItems=[
            {"Update": {
                "TableName": self.table, "Key": {"pk": {"S": ticket}, "sk": {"S": "STATE"}},
                "UpdateExpression": "SET turn = :next, #s = :status REMOVE lease_owner, lease_until",
                "ConditionExpression": "lease_owner = :me AND turn = :turn",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {":next": {"N": str(turn + 1)}, ":status": {"S": status},
                                              ":me": {"S": worker}, ":turn": {"N": str(turn)}}}},
            {"Put": {
                "TableName": self.table,
                "Item": {"pk": {"S": ticket}, "sk": {"S": f"TURN#{turn:04d}"}, "call_id": {"S": call_id},
                         "result": {"S": result}},
                "ConditionExpression": "attribute_not_exists(pk)"}},
        ])
        committed = time.time()
        with self.lock:
            self.latencies.append(committed - kick["sent_at"])
            self.work.append(committed - now)
            self.events.append((committed, f"{call_id} committed"))
        if status == "running":
            self.kick(sqs, ticket, turn + 1)
        elif status == "waiting":
            self.waiting.put(ticket)
        else:
            with self.lock:
                self.finished.add(ticket)
        sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])

    def worker(self, name: str) -> None:
        ddb, sqs = clients(self.worker_calls)
        while not self.stop.is_set():
            messages = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                           AttributeNames=["ApproximateReceiveCount"]).get("Messages", [])
            for message in messages:
                try:
                    self.turn(ddb, sqs, f"{name}-{uuid.uuid4().hex[:6]}", message)
                except CrashInjected as crash:
                    # The process "dies": nothing more is done for this message; SQS brings it back.
                    with self.lock:
                        self.crashes += 1
                        self.events.append((time.time(), f"{crash} crashed before commit"))

    def approver(self) -> None:
        """The REST handler's approve: status waiting -> running, then the kick for the next turn."""
        ddb, sqs = clients(self.approver_calls)
        while not self.stop.is_set():
            try:
                ticket = self.waiting.get(timeout=0.2)
            except queue.Empty:
                continue
            state = ddb.update_item(
                TableName=self.table, Key={"pk": {"S": ticket}, "sk": {"S": "STATE"}},
                UpdateExpression="SET #s = :running", ConditionExpression="#s = :waiting",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":running": {"S": "running"}, ":waiting": {"S": "waiting"}},
                ReturnValues="ALL_NEW")["Attributes"]
            self.kick(sqs, ticket, int(state["turn"]["N"]))


def moto_up() -> subprocess.Popen | None:
    try:
        socket.create_connection(("127.0.0.1", PORT), timeout=0.2).close()
        return None  # already running: use it
    except OSError:
        pass
    server = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(PORT)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("moto_server did not start")


def scenario(name: str, tickets: int, workers: int, *, visibility_s: int, lease_s: float,
             crash_at: set[str] | None = None, copies: int = 1, timeout_s: float = 300) -> dict[str, Any]:
    setup = CallCounter()
    ddb, sqs = clients(setup)
    table = f"aura-spike-{uuid.uuid4().hex[:8]}"
    ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                           {"AttributeName": "sk", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                {"AttributeName": "sk", "KeyType": "RANGE"}])
    queue_url = sqs.create_queue(QueueName=table, Attributes={"VisibilityTimeout": str(visibility_s)})["QueueUrl"]
    loop = Loop(table, queue_url, lease_s=lease_s, crash_at=set(crash_at or ()), copies=copies)
    names = [f"t{i:02d}" for i in range(tickets)]
    threads = [threading.Thread(target=loop.worker, args=(f"w{i}",), daemon=True) for i in range(workers)]
    threads.append(threading.Thread(target=loop.approver, daemon=True))
    for t in threads:
        t.start()
    t0 = time.time()
    loop.start(names)
    while len(loop.finished) < tickets and time.time() - t0 < timeout_s:
        time.sleep(0.01)
    elapsed = time.time() - t0
    loop.stop.set()
    for t in threads:
        t.join(timeout=5)
    turns = len(loop.latencies)
    lat = sorted(loop.latencies)
    w = loop.worker_calls.calls
    ddb_calls = sum(v for k, v in w.items() if k.startswith("dynamodb:"))
    sqs_calls = sum(v for k, v in w.items() if k.startswith("sqs:"))
    stored = ddb.query(TableName=table, KeyConditionExpression="pk = :p AND begins_with(sk, :t)",
                       ExpressionAttributeValues={":p": {"S": names[0]}, ":t": {"S": "TURN#"}})["Count"]
    out = {
        "scenario": name, "tickets": tickets, "workers": workers, "finished": len(loop.finished),
        "turns_committed": turns, "wall_s": round(elapsed, 2),
        "turns_per_s": round(turns / elapsed, 1),
        "turn_latency_ms": {"median": round(statistics.median(lat) * 1000, 1),
                            "p95": round(lat[int(0.95 * (len(lat) - 1))] * 1000, 1),
                            "max": round(lat[-1] * 1000, 1)},
        "lease_to_commit_ms_median": round(statistics.median(loop.work) * 1000, 1),
        "worker_calls_per_turn": {"dynamodb": round(ddb_calls / turns, 2), "sqs": round(sqs_calls / turns, 2),
                                  "by_op": {k: round(v / turns, 2) for k, v in sorted(w.items())}},
        "approval_calls": dict(loop.approver_calls.calls),
        "tool_side_effects_max_per_id": max(loop.tool.side_effects.values()),
        "tool_attempts": sum(loop.tool.attempts.values()), "tool_side_effects": sum(loop.tool.side_effects.values()),
        "turn_items_first_ticket": stored, "crashes": loop.crashes,
    }
    if crash_at:
        crashed = [(t, e) for t, e in loop.events if "crashed" in e]
        for when, event in crashed:
            call_id = event.split()[0]
            resumed = next(t for t, e in loop.events if e == f"{call_id} committed")
            out.setdefault("crash_to_commit_s", {})[call_id] = round(resumed - when, 2)
    sqs.delete_queue(QueueUrl=queue_url)
    ddb.delete_table(TableName=table)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=20)
    parser.add_argument("--crash", action="store_true")
    args = parser.parse_args()
    server = moto_up()
    try:
        if args.crash:
            results = [scenario("crash before commit", 3, 2, visibility_s=2, lease_s=1.5,
                                crash_at={"t00#3", "t01#7"}, timeout_s=60),
                       scenario("every kick sent twice", 3, 4, visibility_s=30, lease_s=30, copies=2, timeout_s=60)]
        else:
            results = [scenario("warm-up", 2, 1, visibility_s=30, lease_s=30)]
            results += [scenario(f"{args.tickets} tickets", args.tickets, w, visibility_s=30, lease_s=30)
                        for w in (1, 4)]
            results += [scenario("1 ticket alone", 1, 1, visibility_s=30, lease_s=30)]
        for r in results:
            print(json.dumps(r))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
