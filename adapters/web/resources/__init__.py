"""Falcon resources of the portal (HTML pages) and of the JSON API under /api/."""
