"""The event-log port and its adapters (memory, SQLite, Kafka)."""

from events.log.port import Appended, Cursor, EventLog, Position, Record, advance, subscribe

__all__ = ["Appended", "Cursor", "EventLog", "Position", "Record", "advance", "subscribe"]
