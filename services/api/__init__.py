"""The read API, the HTML dashboard and Prometheus metrics, served by FastAPI."""

from services.api.app import create_app
from services.api.context import ApiContext, context_for

__all__ = ["ApiContext", "context_for", "create_app"]
