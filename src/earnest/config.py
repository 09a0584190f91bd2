"""Settings: the only module that reads the environment.

Every setting is an ``EARNEST_*`` environment variable; command-line flags
override them. The defaults run the embedded runtime with no configuration.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from earnest import __version__

DEFAULT_DATASET = Path("../shared/data/reddit-top-2013/posts")


class Settings(BaseSettings):
    """Typed, frozen settings for every earnest command."""

    model_config = SettingsConfigDict(env_prefix="EARNEST_", frozen=True, extra="ignore")

    home: Path = Field(
        Path("earnest-data"),
        description="Folder for all local state: the embedded database, the log, trained models.",
    )
    database_url: str | None = Field(
        None,
        description="`sqlite:///path/to/file.db` or `postgresql://user@host:port/db`.",
        json_schema_extra={"default_text": "SQLite in `EARNEST_HOME/earnest.db`"},
    )
    broker_url: str | None = Field(
        None,
        description="`sqlite:///path/to/file.db` (embedded log) or "
        "`amqp://user:password@host:port/vhost` (RabbitMQ).",
        json_schema_extra={"default_text": "the embedded log in `EARNEST_HOME/earnest.db`"},
    )
    dataset: Path | None = Field(
        None,
        description="Folder of `<Subreddit>.csv` files to replay.",
        json_schema_extra={"default_text": f"`{DEFAULT_DATASET.as_posix()}` when it exists; "
                           "with none, `earnest up` replays the sample bundled in the package"},
    )
    host: str = Field("127.0.0.1", description="Address the HTTP API listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port the HTTP API listens on, 1-65535.")
    model_path: Path | None = Field(
        None,
        description="Seriousness model artifact (`.skops`) registered at start-up, and made "
        "live on a new database; afterwards `earnest models promote` decides which is live.",
        json_schema_extra={"default_text": "the packaged model"},
    )
    batch_size: int | None = Field(
        None, ge=1,
        description="Records per batch in the replay and every stage. On the embedded log each "
        "batch costs a transaction, so larger batches go further.",
        json_schema_extra={"default_text": "`5000` on the embedded log, `1000` on RabbitMQ "
                           "and in `earnest score`"},
    )
    max_attempts: int = Field(
        5, ge=1, description="Deliveries of a failing message before it is dead-lettered."
    )
    log_level: str = Field(
        "INFO",
        description="Python logging level name (`DEBUG`, `INFO`, `WARNING`, `ERROR`, "
        "`CRITICAL`), any case.",
    )
    post_wait: float = Field(
        600.0, gt=0,
        description="Seconds a score waits for its post to be stored before it is "
        "dead-lettered (a post and its score travel through different stages).",
    )

    follow: Annotated[tuple[str, ...], NoDecode] = Field(
        (),
        description="Subreddits `earnest up` follows live through Reddit's API instead of "
        "replaying the dataset, separated by commas (`earnest follow` takes them as "
        "arguments).",
        json_schema_extra={"default_text": "none: `earnest up` replays"},
    )
    reddit_client_id: str | None = Field(
        None, description="Reddit app's client id: the string under its name at "
        "https://www.reddit.com/prefs/apps.",
        json_schema_extra={"default_text": "from `EARNEST_REDDIT_SECRETS_FILE`"})
    reddit_client_secret: SecretStr | None = Field(
        None, description="Reddit app's secret. Never logged or shown.",
        json_schema_extra={"default_text": "from `EARNEST_REDDIT_SECRETS_FILE`"})
    reddit_username: str | None = Field(
        None, description="Reddit account of a script app (password grant); unset, the app "
        "reads as itself (`client_credentials`).",
        json_schema_extra={"default_text": "from `EARNEST_REDDIT_SECRETS_FILE`"})
    reddit_password: SecretStr | None = Field(
        None, description="Password of `EARNEST_REDDIT_USERNAME`. Never logged or shown.",
        json_schema_extra={"default_text": "from `EARNEST_REDDIT_SECRETS_FILE`"})
    reddit_secrets_file: Path | None = Field(
        None, description="A TOML file of the Reddit credentials, instead of the variables "
        "above: `client_id`, `client_secret`, and for a script app `username` and "
        "`password`. Values set in the environment win.",
        json_schema_extra={"default_text": "none"})
    reddit_user_agent: str = Field(
        f"python:earnest:{__version__} (follows subreddits' seriousness)",
        description="User-Agent sent to Reddit, which asks for a descriptive one: "
        "`<platform>:<app id>:<version> (by /u/<your username>)`.")
    reddit_api_url: str = Field("https://oauth.reddit.com",
                                description="Reddit's API (a fake Reddit's, for tests).")
    reddit_auth_url: str = Field("https://www.reddit.com/api/v1/access_token",
                                 description="Reddit's OAuth2 token endpoint.")

    @field_validator("follow", mode="before")
    @classmethod
    def _names(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(name.strip() for name in value.split(",") if name.strip())
        return value

    @field_validator("log_level")
    @classmethod
    def _logging_level_name(cls, value: str) -> str:
        name = value.strip().upper()
        if name not in logging.getLevelNamesMapping():
            raise ValueError("must be a Python logging level: DEBUG, INFO, WARNING, ERROR or "
                             "CRITICAL")
        return name

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'earnest.db'}"

    def resolved_broker_url(self) -> str:
        return self.broker_url or f"sqlite:///{self.home / 'earnest.db'}"

    def resolved_batch_size(self, *, on_the_bus: bool = True) -> int:
        """Records per batch: ``batch_size`` if set; else 5000 where each batch costs a
        transaction of the embedded log, and 1000 elsewhere (RabbitMQ, or ``on_the_bus``
        false: ``earnest score``)."""
        if self.batch_size is not None:
            return self.batch_size
        embedded_log = on_the_bus and self.resolved_broker_url().startswith("sqlite:")
        return 5000 if embedded_log else 1000

    def resolved_dataset(self) -> Path | None:
        if self.dataset is not None:
            return self.dataset
        return DEFAULT_DATASET if DEFAULT_DATASET.is_dir() else None
