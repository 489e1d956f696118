"""The parts of `python -m scripts.bench`: cold imports, in-process latency and DynamoDB items read per list.

Everything that touches the platform imports it lazily, after the function environment is set (settings
bind at import)."""
