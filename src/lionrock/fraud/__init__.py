"""Fraud intelligence cores (issue 10): identifiers of mule accounts, scam phones and payment ids,
their normalisation and STIX objects, the vocabularies of scam reports, and the risk score. Pure:
no database, no HTTP; see docs/fraud.md."""
