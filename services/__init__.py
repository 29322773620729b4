"""Entry points, adapters' composition root, ingestion, processors, alerts, API and CLI."""
