#!/usr/bin/env bash
# One command runs the whole test suite (SQLite by default; set LIONROCK_TEST_DATABASE_URL to a
# PostgreSQL URL to run it against PostgreSQL — .ci/run does both). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if ! .venv/bin/python -c "import lionrock, pytest, taxii2client, medallion" 2>/dev/null \
   || [ pyproject.toml -nt .venv/.installed ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  touch .venv/.installed
fi
bash scripts/install_models.sh .venv/bin/python  # the medium spaCy model (docs/pii.md); quick when present
exec .venv/bin/python -m pytest "$@"
