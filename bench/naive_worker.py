"""The baseline of bench/kafka_pipeline.py: a faust agent that commits once per event.

Run by the benchmark as a subprocess, with the settings of a worker in its environment.
"""

from __future__ import annotations

from typing import Any

from events.streams import STREAMS, topic_name
from projections.projector import Projector
from services.bootstrap import projection_engine
from services.processor.worker import message_record
from services.settings import Settings


def main() -> None:
    """Project every event in a transaction of its own, as a first faust agent would."""
    import faust

    settings = Settings()
    engine = projection_engine(settings.resolved_database_url())
    projector = Projector(engine)
    projector.create()
    bootstrap = settings.resolved_event_log_url().split("://", 1)[1]
    app = faust.App(settings.kafka_group, broker=f"kafka://{bootstrap}", store="memory://",
                    web_enabled=False, autodiscover=False, consumer_auto_offset_reset="earliest")
    topic = app.topic(*(topic_name(s, settings.kafka_topic_prefix) for s in STREAMS),
                      key_type=bytes, value_type=bytes, key_serializer="raw",
                      value_serializer="raw")

    @app.agent(topic, concurrency=1)
    async def project(stream: Any) -> None:
        async for event in stream.events():
            record = message_record(event.message, settings.kafka_topic_prefix)
            with engine.begin() as conn:
                projector.apply_in(conn, [record])

    faust.Worker(app, loglevel="WARNING", quiet=True).execute_from_commandline()


if __name__ == "__main__":
    main()
