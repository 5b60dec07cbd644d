"""Process settings read from the environment: the one place where adapters are chosen."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SHIPPED_DATA_DIR = PACKAGE_DIR / "data"
DEV_SERVICE_TOKEN = "dev-service-token"


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


RETENTION_DAYS = {
    "retention_conversations_days": ("SUPPORTGRAPH_RETENTION_CONVERSATIONS_DAYS", 730),
    "retention_feedback_days": ("SUPPORTGRAPH_RETENTION_FEEDBACK_DAYS", 365),
    "retention_logs_days": ("SUPPORTGRAPH_RETENTION_LOGS_DAYS", 183),
}
"""Each retention limit's field, environment variable and default, in days."""


def _days(name: str) -> int:
    """A retention limit from the environment; a clear error unless a positive whole number."""
    variable, default = RETENTION_DAYS[name]
    text = _env(variable) or str(default)
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{variable} must be a positive whole number of days, got {text!r}")
    return int(text)


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Deployment settings. Every field maps to one `SUPPORTGRAPH_*` (or vendor) env var."""

    data_dir: Path = field(default_factory=lambda: Path(_env("SUPPORTGRAPH_DATA_DIR", ".data")))
    """All mutable state lives here: store, checkpoints, vector index, models, reports."""

    database_url: str = field(default_factory=lambda: _env("SUPPORTGRAPH_DATABASE_URL"))
    """Postgres URL for the store and the checkpointer; empty means SQLite under data_dir."""

    redis_url: str = field(default_factory=lambda: _env("SUPPORTGRAPH_REDIS_URL"))
    """Redis URL for the cache and rate limiter; empty means in-process."""

    service_token: str = field(
        default_factory=lambda: _env("SUPPORTGRAPH_SERVICE_TOKEN", DEV_SERVICE_TOKEN)
    )
    """Bearer token required by the /api/v1 commerce services."""

    commerce_url: str = field(default_factory=lambda: _env("SUPPORTGRAPH_COMMERCE_URL"))
    """Base URL of an HTTP commerce service; empty means the in-process store."""

    chroma_url: str = field(default_factory=lambda: _env("SUPPORTGRAPH_CHROMA_URL"))
    """URL of a Chroma server; empty means a persistent Chroma directory under data_dir."""

    model: str = field(default_factory=lambda: _env("SUPPORTGRAPH_MODEL"))
    """Chat model as `provider:name` (e.g. `openai:gpt-4o-mini`); empty means the flow responder."""

    user_model: str = field(default_factory=lambda: _env("SUPPORTGRAPH_USER_MODEL"))
    """Chat model playing the customer in simulated-user evals; empty means `model`."""

    judge_model: str = field(default_factory=lambda: _env("SUPPORTGRAPH_JUDGE_MODEL"))
    """Chat model grading eval transcripts (LLM-as-judge); empty means no judge runs."""

    judge_base_url: str = field(default_factory=lambda: _env("SUPPORTGRAPH_JUDGE_BASE_URL"))
    """OpenAI-compatible base URL of the judge; empty means the agent's (`OPENAI_BASE_URL`)."""

    judge_api_key: str = field(
        default_factory=lambda: _env("SUPPORTGRAPH_JUDGE_API_KEY"), repr=False
    )
    """API key of the judge; empty means the agent's (`OPENAI_API_KEY`)."""

    price_per_mtok: str = field(default_factory=lambda: _env("SUPPORTGRAPH_PRICE_PER_MTOK"))
    """`input,output` USD per million tokens for eval cost reports; overrides the built-in table."""

    models_path: str = field(default_factory=lambda: _env("SUPPORTGRAPH_MODELS_DIR"))
    """Where trained NLU models live; empty means `models` under data_dir."""

    log_level: str = field(default_factory=lambda: _env("SUPPORTGRAPH_LOG_LEVEL", "INFO"))
    """Python logging level."""

    log_format: str = field(default_factory=lambda: _env("SUPPORTGRAPH_LOG_FORMAT", "text"))
    """`text` (human-readable lines) or `json` (one JSON object per line, for log pipelines)."""

    metrics_token: str = field(
        default_factory=lambda: _env("SUPPORTGRAPH_METRICS_TOKEN"), repr=False
    )
    """Bearer token `GET /metrics` requires; empty means open (restrict it at the ingress)."""

    prometheus_multiproc_dir: str = field(default_factory=lambda: _env("PROMETHEUS_MULTIPROC_DIR"))
    """Directory shared by several server processes for their metrics; empty means one process."""

    otlp_endpoint: str = field(default_factory=lambda: _env("OTEL_EXPORTER_OTLP_ENDPOINT"))
    """OpenTelemetry collector (OTLP/HTTP) that receives traces; empty means no tracing."""

    auth_secret: str = field(default_factory=lambda: _env("SUPPORTGRAPH_AUTH_SECRET"), repr=False)
    """HS256 key of the development issuer and of anonymous conversation tokens; empty means a
    random key kept in `data_dir/auth_secret` (created on first use, mode 0600)."""

    dev_auth: bool = field(default_factory=lambda: _env("SUPPORTGRAPH_DEV_AUTH", "1") != "0")
    """The development issuer (`supportgraph token`, `POST /api/v1/auth/dev-login`); set
    `SUPPORTGRAPH_DEV_AUTH=0` in production so only the identity provider's tokens count."""

    anonymous_chat: bool = field(
        default_factory=lambda: _env("SUPPORTGRAPH_ANONYMOUS_CHAT", "1") != "0"
    )
    """Whether customers may chat without signing in (verified in the chat before any account
    data is read); `SUPPORTGRAPH_ANONYMOUS_CHAT=0` asks every customer to sign in first."""

    jwt_public_key: str = field(default_factory=lambda: _env("SUPPORTGRAPH_JWT_PUBLIC_KEY"))
    """The identity provider's PEM public key (or a path to it) verifying bearer tokens."""

    jwks_url: str = field(default_factory=lambda: _env("SUPPORTGRAPH_JWKS_URL"))
    """The identity provider's JWKS URL, used instead of a fixed public key."""

    jwt_issuer: str = field(default_factory=lambda: _env("SUPPORTGRAPH_JWT_ISSUER"))
    """Required `iss` of identity-provider tokens; empty means not checked."""

    jwt_audience: str = field(default_factory=lambda: _env("SUPPORTGRAPH_JWT_AUDIENCE"))
    """Required `aud` of identity-provider tokens; empty means not checked."""

    speech_model: str = field(default_factory=lambda: _env("SUPPORTGRAPH_SPEECH_MODEL"))
    """Transcription model for voice messages (e.g. `whisper-1`); empty means voice is off."""

    speech_base_url: str = field(default_factory=lambda: _env("SUPPORTGRAPH_SPEECH_BASE_URL"))
    """OpenAI-compatible endpoint of the speech model; empty means `OPENAI_BASE_URL`."""

    speech_api_key: str = field(
        default_factory=lambda: _env("SUPPORTGRAPH_SPEECH_API_KEY"), repr=False
    )
    """Key of the speech endpoint; empty means `OPENAI_API_KEY`."""

    max_body_bytes: int = field(
        default_factory=lambda: int(_env("SUPPORTGRAPH_MAX_BODY_BYTES", "65536"))
    )
    """Largest request body accepted on any route; larger ones get a 413 unread."""

    cors_origins: tuple[str, ...] = field(
        default_factory=lambda: tuple(
            o.strip() for o in _env("SUPPORTGRAPH_CORS_ORIGINS").split(",") if o.strip()
        )
    )
    """Comma-separated origins (`https://shop.example`) whose pages may call the API from the
    browser; empty means the server's own pages only. `*` is refused."""

    widget_origins: tuple[str, ...] = field(
        default_factory=lambda: tuple(
            o.strip() for o in _env("SUPPORTGRAPH_WIDGET_ORIGINS").split(",") if o.strip()
        )
    )
    """Comma-separated origins of the sites that embed the chat widget (its frame may be shown
    only there, and on the server's own pages); empty means the server's own pages only."""

    webhook_urls: tuple[str, ...] = field(
        default_factory=lambda: tuple(
            url.strip() for url in _env("SUPPORTGRAPH_WEBHOOK_URLS").split(",") if url.strip()
        )
    )
    """Comma-separated endpoints (a CRM, a ticketing system) that receive every platform event,
    signed with `webhook_secret`; empty means no webhooks."""

    webhook_secret: str = field(
        default_factory=lambda: _env("SUPPORTGRAPH_WEBHOOK_SECRET"), repr=False
    )
    """HMAC-SHA256 key signing webhook deliveries; required when `webhook_urls` is set."""

    events_stream: str = field(
        default_factory=lambda: _env("SUPPORTGRAPH_EVENTS_STREAM", "supportgraph:events")
    )
    """The Redis stream that platform events are published to when `redis_url` is set."""

    queue_url: str = field(default_factory=lambda: _env("SUPPORTGRAPH_QUEUE_URL"))
    """Redis URL of the task queue running batch jobs (arq); empty means `redis_url`."""

    encryption_keys: str = field(
        default_factory=lambda: _env("SUPPORTGRAPH_ENCRYPTION_KEYS"), repr=False
    )
    """`kid:base64key,...` AES-256 keys sealing data at rest, the first one active; empty means
    the key file `data_dir/encryption_keys` (made on first use, mode 0600)."""

    key_provider: str = field(default_factory=lambda: _env("SUPPORTGRAPH_KEY_PROVIDER"))
    """`package.module:function` returning the key ring (the KMS port); overrides the others."""

    retention_conversations_days: int = field(
        default_factory=lambda: _days("retention_conversations_days")
    )
    """Days a conversation is kept after its last activity, with its messages and memory."""

    retention_feedback_days: int = field(default_factory=lambda: _days("retention_feedback_days"))
    """Days feedback is kept after it was given."""

    retention_logs_days: int = field(default_factory=lambda: _days("retention_logs_days"))
    """Days audit entries, published outbox events and webhook deliveries are kept."""

    def __post_init__(self) -> None:
        """Refuse retention limits that are not positive whole numbers, and unknown log formats."""
        if self.log_format not in ("text", "json"):
            raise ValueError(
                f"SUPPORTGRAPH_LOG_FORMAT must be 'text' or 'json', got {self.log_format!r}"
            )
        for name, (variable, _default) in RETENTION_DAYS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(
                    f"{name} ({variable}) must be a positive whole number of days, got {value!r}"
                )

    @property
    def store_url(self) -> str:
        """SQLAlchemy URL of the commerce store."""
        if self.database_url:
            return sqlalchemy_url(self.database_url)
        return f"sqlite:///{(self.data_dir / 'store.db').resolve()}"

    @property
    def auth_secret_path(self) -> Path:
        """Where the generated development/conversation signing key is kept."""
        return self.data_dir / "auth_secret"

    @property
    def encryption_keys_path(self) -> Path:
        """Where the embedded default keeps its encryption keys."""
        return self.data_dir / "encryption_keys"

    @property
    def checkpoint_path(self) -> Path:
        """SQLite checkpoint file used when no database URL is set."""
        return self.data_dir / "checkpoints.db"

    @property
    def chroma_path(self) -> Path:
        """Persistent Chroma directory used when no Chroma server is set."""
        return self.data_dir / "chroma"

    @property
    def models_dir(self) -> Path:
        """Trained NLU models; rebuilt from the shipped training data when missing or stale."""
        return Path(self.models_path) if self.models_path else self.data_dir / "models"


def sqlalchemy_url(url: str) -> str:
    """Make a plain `postgresql://` URL use the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def parse_price(text: str) -> tuple[float, float]:
    """Read `input,output` USD per million tokens, e.g. `0.15,0.60`.

    Raises:
        ValueError: Not two non-negative numbers separated by a comma.
    """
    parts = [p.strip() for p in text.split(",")]
    try:
        prices = tuple(float(p) for p in parts)
    except ValueError:
        prices = ()
    if len(prices) != 2 or min(prices) < 0:
        raise ValueError(f"SUPPORTGRAPH_PRICE_PER_MTOK must be 'input,output' USD, got {text!r}")
    return prices[0], prices[1]


def get_settings() -> Settings:
    """Read settings from the current environment."""
    return Settings()
