"""lionrock: the cyber-resilience hub for Hong Kong's financial sector."""

__version__ = "0.1.0"
