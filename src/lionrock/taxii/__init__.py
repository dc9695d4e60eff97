"""The TAXII 2.1 edge at /taxii2/."""
