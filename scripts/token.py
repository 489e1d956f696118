"""An ID token of a demo user of the running local stack, for curl:

    TOKEN=$(.venv/bin/python -m scripts.token alice@acme.test)

Signs in through the stack's Cognito (moto) with USER_PASSWORD_AUTH; the password is the demo users' unless given."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import boto3


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("username")
    parser.add_argument("--password")
    parser.add_argument("--stack", type=Path,
                        default=Path(os.environ.get("OPSDESK_STATE_DIR", ".local")) / "stack.json")
    args = parser.parse_args(argv)
    stack = json.loads(args.stack.read_text())
    password = args.password or next(u["password"] for u in stack["users"] if u["username"] == args.username)
    cognito = boto3.client("cognito-idp", endpoint_url=stack["cognito_endpoint"], region_name=stack["region"],
                           aws_access_key_id="local", aws_secret_access_key="local")
    result = cognito.initiate_auth(ClientId=stack["client_id"], AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": args.username, "PASSWORD": password})
    print(result["AuthenticationResult"]["IdToken"])


if __name__ == "__main__":
    main()
