"""STIX 2.1: identifiers, TLP markings, fast validation, pattern syntax."""
