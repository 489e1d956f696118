#!/bin/sh
# The Lambda Web Adapter starts this and proxies the invocation to it, streaming the response.
exec python -m uvicorn --host 127.0.0.1 --port "${PORT:-8080}" --no-access-log app:app
