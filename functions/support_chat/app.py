"""support-chat: `POST /chat`, the AI assistant's answer streamed as server-sent events (opsdesk.support.chat).

An ASGI app: run.sh serves it with uvicorn behind the Lambda Web Adapter (response streaming) on AWS; the local
gateway mounts it. The provider is `AI_PROVIDER` (offline by default, or Bedrock with `BEDROCK_MODEL_ID`)."""

from __future__ import annotations

from opsdesk.ai.factory import chat_provider
from opsdesk.ai.tools import SearchDocsTool
from opsdesk.apimap import SUPPORT
from opsdesk.dialects import DIALECTS
from opsdesk.ratelimit import RateLimiter
from opsdesk.settings import ChatSettings, load_settings
from opsdesk.support.chat import ChatService
from opsdesk.support.chat_app import create_chat_app, quota_taker
from opsdesk.support.docs import DEMO_PLANE_NAMES, search_backend
from opsdesk.support.repository import SupportRepository
from opsdesk.support.service import SupportService
from opsdesk.tokens import TokenVerifier

CHAT_RESOURCE = "/api/chat"

settings = load_settings(ChatSettings)
repository = SupportRepository()
chat_limit = SUPPORT.rate_limit_for(CHAT_RESOURCE)
if chat_limit is None:
    raise RuntimeError("the support document limits /api/chat: the API map must declare it")

app = create_chat_app(
    (CHAT_RESOURCE, f"{SUPPORT.base_path}{CHAT_RESOURCE}"),
    verifier=TokenVerifier.from_settings(settings),
    accepted_client_ids=settings.accepted_client_ids,
    dialect=DIALECTS[SUPPORT.dialect],
    chat=ChatService(
        chat_provider(settings),
        [SearchDocsTool(search_backend(settings), limit=settings.chat_search_limit, plane_slugs=DEMO_PLANE_NAMES)],
        repository,
        SupportService(repository),
    ),
    take_quota=quota_taker(RateLimiter(), chat_limit),
    max_body_bytes=settings.max_body_bytes,
    allowed_origins=tuple(settings.allowed_origins),
)
