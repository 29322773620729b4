"""Ingestion: sources turn documents and feeds into events."""
