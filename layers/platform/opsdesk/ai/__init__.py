"""AI providers behind one interface (DESIGN.md §6): messages, tools, streaming and token usage.

- `provider`: the interface (ChatProvider, Tool, the events a provider streams, ProviderError);
- `bedrock`: Amazon Bedrock's Converse streaming API with tool use (production);
- `offline`: an offline provider that answers from the documents its search tool retrieves (the local default);
- `tools`: the tools chat offers (searchDocs); `usage`: token counts, measured or estimated.

Nothing here reads the environment; `opsdesk.ai.factory` builds a provider from settings."""
