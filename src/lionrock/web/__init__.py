"""The web UI: server-rendered pages at /web/, signed in with a user and password.

An edge like rest/ and taxii/: it resolves the session to a Principal and calls hub use cases, and
never imports the store."""
