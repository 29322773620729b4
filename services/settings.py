"""Typed settings: environment variables with the IPMON_ prefix, overridden by CLI flags."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from events.streams import DEFAULT_PARTITIONS, DEFAULT_REPLICATION


class AlertThresholds(BaseModel):
    """Default thresholds of the alert rules."""

    growth_tolerance_pp: float = Field(
        0.5, ge=0, description="reported vs computed growth may differ by this many points"
    )
    growth_threshold_pct: float = Field(30.0, ge=0, description="|growth| above this alerts")


class Settings(BaseSettings):
    """Everything ipmon can be configured with; see deploy/ipmon.env.example."""

    model_config = SettingsConfigDict(env_prefix="IPMON_", env_nested_delimiter="__")

    data_dir: Path = Field(Path("ipmon-data"), description="folder of the embedded SQLite files")
    event_log_url: str | None = Field(
        None, description="sqlite:///path, kafka://host:port[,host:port] or memory://"
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL of the projections: sqlite:///… or postgresql://…"
    )
    inbox: Path = Path("inbox")
    kafka_topic_prefix: str = "ipmon"
    kafka_partitions: int = Field(DEFAULT_PARTITIONS, ge=1)
    kafka_replication: int = Field(DEFAULT_REPLICATION, ge=1)
    kafka_group: str = "ipmon-projector"
    batch_size: int = Field(5000, ge=1)
    poll_interval_s: float = Field(1.0, gt=0)
    alerts: AlertThresholds = AlertThresholds()
    alerts_config: Path | None = Field(
        None, description="TOML file of alert rules, thresholds, severities and webhooks"
    )
    sources_file: Path | None = Field(
        None, description="TOML file adding to or overriding the sources catalogue"
    )
    api_host: str = "127.0.0.1"
    api_port: int = Field(8000, ge=0, le=65535)
    api_token: str | None = None
    worker_metrics_host: str = Field("127.0.0.1", description="where a worker serves /metrics")
    worker_metrics_port: int = Field(
        8001, ge=0, le=65535, description="port of a worker's /metrics (0: none)"
    )
    webhook_urls: list[str] = []
    worker_within_s: float = Field(
        0.01, gt=0, description="how long a worker's batch waits for more records"
    )
    worker_session_timeout_s: float = Field(
        10.0, gt=0, description="a worker silent this long loses its partitions"
    )
    worker_heartbeat_s: float = Field(1.0, gt=0, description="a worker's heartbeat interval")
    worker_commit_interval_s: float = Field(
        1.0, gt=0, description="how often a worker commits its Kafka offsets"
    )
    worker_attempts: int = Field(
        5, ge=1, description="tries of a batch the database failed transiently"
    )

    def resolved_event_log_url(self) -> str:
        """The event-log URL, defaulting to an SQLite file in the data folder."""
        return self.event_log_url or f"sqlite:///{self.data_dir / 'events.sqlite'}"

    def resolved_database_url(self) -> str:
        """The projections URL, defaulting to an SQLite file in the data folder."""
        return self.database_url or f"sqlite:///{self.data_dir / 'projections.sqlite'}"
