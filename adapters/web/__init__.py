"""The web portal and JSON API: ``create_app(container, settings)`` builds the falcon app."""

from adapters.web.app import create_app

__all__ = ["create_app"]
