"""Personal data detection (Presidio + spaCy, offline) tuned for Hong Kong text. See docs/pii.md."""
