"""Report intake: documents → text with positions → indicators, techniques, personal data → draft.

A pure library (no database, no HTTP): the CLI runs it offline, the hub runs it on uploads.
"""
