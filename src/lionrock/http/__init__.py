"""HTTP plumbing shared by the REST and TAXII edges: credentials, body limits, paging cursors."""
