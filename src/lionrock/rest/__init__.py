"""The REST edge at /api/v1."""
