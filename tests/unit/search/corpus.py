"""A small documentation corpus for the search tests: ten articles over five planes."""

from __future__ import annotations

from opsdesk.search.model import DocArticle

PLANE_NAMES = {
    "app-cicd": "App CI/CD",
    "infrastructure": "Infrastructure",
    "identity-access": "Identity & Access",
    "observability": "Observability",
    "data-platform": "Data Platform",
}
BASE = "https://happycloud.com/docs"


def article(plane: str, doc_type: str, slug: str, title: str, body: str) -> DocArticle:
    return DocArticle(
        url=f"{BASE}/{plane}/{doc_type}/{slug}",
        title=title,
        type=doc_type,
        plane_slug=plane,
        plane_name=PLANE_NAMES[plane],
        body=body,
    )


TIMEOUTS = article(
    "app-cicd",
    "how-to",
    "configure-timeouts",
    "How to Configure Pipeline Timeout Settings",
    "## Steps\n\n1. Open `pipeline.yaml`.\n2. Set **`timeout_minutes`** for the stage.\n\n"
    "Runs that exceed the limit are cancelled. Use a canary stage to try a shorter value first.",
)
CANARY = article(
    "app-cicd",
    "tutorial",
    "canary-releases",
    "Canary Releases Explained",
    "Send a small share of traffic to the new version first, watch its error rate, then promote it.",
)
CACHE = article(
    "app-cicd",
    "troubleshooting",
    "cache-misses",
    "Builds Fail With Cache Misses",
    "A cold runner cache makes builds slow; a timeout can follow when dependencies download again.",
)
VARIABLES = article(
    "app-cicd",
    "reference",
    "environment-variables",
    "Pipeline Environment Variables",
    "| name | meaning |\n|---|---|\n| `DEPLOY_ENV` | target environment |\n| `BUILD_ID` | run number |",
)
IRSA = article(
    "infrastructure",
    "how-to",
    "irsa",
    "Grant S3 Access to K8s Pods with IAM Roles",
    "IRSA maps a Kubernetes service account to an IAM role, so pods read buckets without static keys.",
)
VPC = article(
    "infrastructure",
    "tutorial",
    "first-vpc",
    "Create Your First VPC",
    "Add two subnets, a route table and an S3 gateway endpoint. See [the VPC guide](https://example.com/vpc).",
)
POLICIES = article(
    "identity-access",
    "reference",
    "policy-reference",
    "IAM Policy Reference",
    "Every statement has an effect, actions and resources. Conditions narrow a statement further.",
)
ALARMS = article(
    "observability",
    "troubleshooting",
    "insufficient-data",
    "Alarms Stuck in INSUFFICIENT_DATA",
    "An alarm waits for datapoints; check that the metric namespace and dimensions match what is published.",
)
TRACING = article(
    "observability",
    "tutorial",
    "trace-slow-request",
    "Trace a Slow Request",
    "Follow one request across services to find where latency builds up before a timeout.",
)
ROTATION = article(
    "data-platform",
    "how-to",
    "rotate-credentials",
    "Rotate Database Credentials",
    "Secret rotation runs a function on a schedule; give it a timeout of at least 30 seconds.",
)

CORPUS = (TIMEOUTS, CANARY, CACHE, VARIABLES, IRSA, VPC, POLICIES, ALARMS, TRACING, ROTATION)
