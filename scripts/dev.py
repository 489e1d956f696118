"""`make dev`: the whole platform on this machine. moto (DynamoDB, Cognito, S3, EventBridge) on loopback,
the local API Gateway on PORT (default 3000), demo data on first start, a snapshot kept across restarts.

    python -m scripts.dev [--port 3000] [--moto-port 4566] [--state-dir .local] [--reset]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import threading
from pathlib import Path
from typing import Any

from opsdesk.apimap import AURA, COPILOT, REALTIME, RESPONSE, SERVED_MODULES
from opsdesk.apimodel import STREAM_CONSUMER_TIMEOUT_SECONDS
from scripts.local.aws import LocalAws, MotoServer, provision
from scripts.local.mailbox import MAILBOX_PATH, mailbox_routes

SNAPSHOT_INTERVAL_SECONDS = 30
CORPUS_ROOT = Path(__file__).resolve().parents[1] / "docs" / "corpus"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    parser.add_argument("--moto-port", type=int, default=int(os.environ.get("MOTO_PORT", "4566")),
                        help="0 picks a free port")
    parser.add_argument("--state-dir", type=Path, default=Path(os.environ.get("OPSDESK_STATE_DIR", ".local")))
    parser.add_argument("--reset", action="store_true", help="forget the saved state and seed afresh")
    parser.add_argument("--quiet", action="store_true", help="no access log")
    return parser.parse_args(argv)


def demo_prometheus_integration() -> str:
    """The seeded Production Prometheus integration (its webhook token is in the README)."""
    from scripts.local.seed_copilot import production_prometheus_id  # noqa: PLC0415

    return production_prometheus_id()


def stack_description(aws: LocalAws, base_url: str) -> dict[str, Any]:
    from scripts.local.seed import DEMO_USERS

    return {
        "base_url": base_url,
        "modules": {"support": f"{base_url}/support/api", "helpdesk": f"{base_url}/helpdesk",
                    "copilot": f"{base_url}{COPILOT.base_path}", "response": f"{base_url}{RESPONSE.base_path}",
                    "aura": f"{base_url}{AURA.base_path}"},
        "aura": {"gitops_repository": os.environ.get("AURA_GIT_REMOTE_URL", ""),
                 "cluster_state": os.environ.get("AURA_GITOPS_STATE_DIR", "")},
        "mailbox": base_url + MAILBOX_PATH,
        "alerts": {"bus": aws.alerts_bus_name, "region": aws.region,
                   "webhook": f"{base_url}{COPILOT.base_path}/webhooks/<integration_id>",
                   "prometheus_integration": demo_prometheus_integration()},
        "websocket": base_url.replace("http", "ws", 1) + REALTIME.local_paths[0],
        "region": aws.region,
        "aws_endpoint": aws.endpoint,
        "cognito_endpoint": aws.endpoint,
        "user_pool_id": aws.user_pool_id,
        "client_id": aws.app_client_id,
        "issuer": aws.issuer,
        "jwks_url": aws.jwks_url,
        "tables": aws.table_names,
        "buckets": list(aws.buckets),
        "users": [
            {"username": u.username, "password": u.password, "tenant_id": u.tenant_id, "tenant": u.tenant_name,
             "groups": list(u.groups)}
            for u in DEMO_USERS
        ],
    }


def print_banner(stack: dict[str, Any], state_file: Path) -> None:
    lines = [
        "",
        "opsdesk is running locally",
        f"  API base URL      {stack['base_url']}",
        f"  support           {stack['modules']['support']}   (live events: {stack['modules']['support']}/events)",
        f"  helpdesk          {stack['modules']['helpdesk']}   (live events: {stack['modules']['helpdesk']}/events;"
        " cookie sign-in: POST /login {username, password})",
        f"  copilot           {stack['modules']['copilot']}   (POST /auth/login {{email, password}}: "
        "alice owner, dave admin, bob member of Production)",
        f"  response          {stack['modules']['response']}/api/incidents/   (Cognito bearer token; rooms: "
        f"{stack['websocket'].removesuffix('/ws')}{RESPONSE.base_path}/ws/incidents/<id>?token=<ID token>)",
        f"  aura              {stack['modules']['aura']}/tickets   (Cognito bearer; POST /tickets, then "
        "POST /tickets/<id>/run and watch GET /tickets/<id>/stream: README, Aura)",
        f"                    GitOps repository {stack['aura']['gitops_repository']} (git clone it); simulated "
        f"cluster {stack['aura']['cluster_state']}",
        f"  alerts            bus {stack['alerts']['bus']} (put_events on moto); webhooks "
        f"{stack['alerts']['webhook']} (Bearer <the integration's webhook_token>)",
        f"  mail              {stack['mailbox']}   (what SES sent: CSAT survey links, copilot invitations)",
        f"  WebSocket         {stack['websocket']}?token=<ID token>",
        f"  AWS (moto)        {stack['aws_endpoint']}   region {stack['region']}",
        f"  Cognito pool      {stack['user_pool_id']}",
        f"  app client id     {stack['client_id']}",
        "  demo logins (USER_PASSWORD_AUTH against the Cognito endpoint above):",
        *(f"    {u['username']:<20} {u['password']}   tenant {u['tenant']}  groups {','.join(u['groups']) or '-'}"
          for u in stack["users"]),
        f"  all of this is in {state_file}",
        "  Ctrl-C stops everything; data survives a restart (make dev-reset starts clean)",
        "",
    ]
    print("\n".join(lines), flush=True)


def index_docs(aws: LocalAws) -> int:
    """Publish the demo corpus to the docs bucket, then index the bucket into the embedded search backend the
    docs function reads: the path articles take on AWS (bucket, then indexer)."""
    from opsdesk.objects import ObjectStore
    from opsdesk.search.sqlite_fts import SqliteSearch
    from opsdesk.support.docs import reindex_bucket
    from scripts.local.aws import DOCS_BUCKET, client

    s3 = client("s3", aws.endpoint, aws.region)
    for path in sorted(CORPUS_ROOT.rglob("*.md")):
        s3.put_object(Bucket=DOCS_BUCKET, Key=path.relative_to(CORPUS_ROOT).as_posix(), Body=path.read_bytes())
    with SqliteSearch(os.environ["SEARCH_SQLITE_PATH"]) as backend:
        return reindex_bucket(ObjectStore(aws.region, aws.endpoint, client=s3), DOCS_BUCKET, backend)


def build_server(aws: LocalAws, port: int, *, quiet: bool) -> tuple[Any, str, list[socket.socket] | None]:
    """uvicorn serving the local gateway. Port 0 (what tests ask for) binds first and announces the port taken."""
    import uvicorn

    from opsdesk.settings import TokenSettings, load_settings
    from opsdesk.tokens import TokenVerifier
    from scripts.local.gateway import LocalGateway
    from scripts.local.realtime import LocalWebSocketApi

    # Built from the environment like a deployed verifier: COGNITO_ISSUER / COGNITO_JWKS_URL override it.
    verifier = TokenVerifier.from_settings(load_settings(TokenSettings))
    gateway = LocalGateway(verifier, aws.region)
    websockets = LocalWebSocketApi(aws.region)
    # Open event streams would hold a graceful shutdown forever; they are cut after a moment (clients reconnect).
    routes = [*websockets.routes(), *mailbox_routes(aws.region)]
    config = uvicorn.Config(gateway.app(routes), host="127.0.0.1", port=port, log_level="warning",
                            access_log=not quiet, lifespan="off", timeout_graceful_shutdown=2,
                            # h11 (httptools has no setting for it) past its 16 KB default, so an oversized URL
                            # gets API Gateway's answer (a 414 in the module's envelope, from the gateway), not the
                            # server's plain-text 400.
                            http="h11", h11_max_incomplete_event_size=1024 * 1024)
    sockets = None
    if port == 0:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sockets = [sock]
    base_url = f"http://127.0.0.1:{port}"
    # The functions post to WebSocket clients through the gateway's management API.
    os.environ["WEBSOCKET_MANAGEMENT_URL"] = base_url + REALTIME.local_management_path
    # The CSAT survey and invitation mails link to this gateway.
    os.environ["HELPDESK_PUBLIC_URL"] = base_url
    os.environ["COPILOT_PUBLIC_URL"] = base_url
    return uvicorn.Server(config), base_url, sockets


def start_deliveries(aws: LocalAws) -> list[Any]:
    """What AWS's event sources do: the table streams to the fan-out and the stream consumers, the alerts queue to
    the alert path's consumer, the modules' work queues to their consumers (the aura agent). Each has stop()."""
    from scripts.local.alerts import alert_delivery
    from scripts.local.queues import module_queue_deliveries
    from scripts.local.realtime import StreamDelivery

    deliveries: list[Any] = [StreamDelivery(aws, "EventsTable", REALTIME.fanout_function).start()]
    deliveries += [StreamDelivery(aws, consumer.table, consumer.group.name, consumer.event_types,
                                  STREAM_CONSUMER_TIMEOUT_SECONDS).start()
                   for module in SERVED_MODULES for consumer in module.stream_consumers]
    deliveries.append(alert_delivery(aws).start())
    deliveries += [delivery.start() for delivery in module_queue_deliveries(aws)]
    return deliveries


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    state_dir: Path = args.state_dir
    if args.reset and (state_dir / "snapshot.json").exists():
        (state_dir / "snapshot.json").unlink()

    moto = MotoServer(args.moto_port).start()
    aws = provision(moto.endpoint)
    state_dir.mkdir(parents=True, exist_ok=True)
    os.environ["OPSDESK_STATE_DIR"] = str(state_dir.resolve())
    os.environ["SEARCH_SQLITE_PATH"] = str((state_dir / "search.sqlite").resolve())
    os.environ.update(aws.function_environment())
    from scripts.local.gitops import prepare_gitops

    prepare_gitops(os.environ["AURA_GIT_REMOTE_URL"], os.environ["AURA_GITOPS_STATE_DIR"], reset=args.reset)
    indexed = index_docs(aws)

    # Imported only now: they bind to the tables named in the environment just set.
    from scripts.local import snapshot
    from scripts.local.seed import seed
    from scripts.local.seed_copilot import demo_alarm_role

    if snapshot.exists(state_dir):
        snapshot.restore(aws, state_dir)
    else:
        seed(aws)
        snapshot.save(aws, state_dir)
    demo_alarm_role(aws)  # IAM is not in snapshots: Acme's CloudWatch role, for its integration's tests

    server, base_url, sockets = build_server(aws, args.port, quiet=args.quiet)
    stack = stack_description(aws, base_url)
    state_dir.mkdir(parents=True, exist_ok=True)
    state_file = state_dir / "stack.json"
    state_file.write_text(json.dumps(stack, indent=2))

    stop = threading.Event()

    saver = threading.Thread(target=snapshot.keep_saving, args=(aws, state_dir, stop, SNAPSHOT_INTERVAL_SECONDS),
                             daemon=True)
    saver.start()
    deliveries = start_deliveries(aws)
    from scripts.local.schedules import LocalScheduler

    scheduler = LocalScheduler(aws.region).start()  # the helpdesk SLA check every minute, as Scheduler runs it
    signal.signal(signal.SIGTERM, lambda *_: setattr(server, "should_exit", True))
    print_banner(stack, state_file)
    print(f"  {indexed} documentation articles indexed for /support/api/docs/search", flush=True)
    try:
        server.run(sockets=sockets)
    except KeyboardInterrupt:
        pass  # uvicorn re-raises Ctrl-C after its graceful shutdown; ours follows
    finally:
        stop.set()
        for delivery in deliveries:
            delivery.stop()
        scheduler.stop()
        snapshot.save(aws, state_dir)
        moto.stop()
        print("opsdesk stopped; state saved in", state_dir, flush=True)


if __name__ == "__main__":
    main()
