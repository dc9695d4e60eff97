"""STIX 2.1: identifiers (deterministic SCO ids included), TLP markings, fast validation, pattern syntax."""
