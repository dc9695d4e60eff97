#!/usr/bin/env bash
# One command on a fresh machine: virtualenv, install, embedded SQLite hub with demo data, serve.
#   bash quickstart.sh            (HOST/PORT/LIONROCK_DATABASE_URL may be set in the environment)
# Safe to run again: the database is kept, and the demo tokens of the previous run are revoked and
# replaced by the new ones printed below. The database is .lionrock/hub.db, the CLI's default too.
set -euo pipefail
cd "$(dirname "$0")"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
bash scripts/install_models.sh .venv/bin/python
mkdir -p .lionrock
export LIONROCK_DATABASE_URL="${LIONROCK_DATABASE_URL:-sqlite:///$PWD/.lionrock/hub.db}"
.venv/bin/lionrock init
.venv/bin/lionrock demo load
# the URL as it may be shown: a password in it becomes ***
SHOWN_DB="$(.venv/bin/python -c 'import os; from lionrock.cli.masking import masked_url; print(masked_url(os.environ["LIONROCK_DATABASE_URL"]))')"
cat <<MSG

lionrock is starting on http://$HOST:$PORT/
  Web sign-in:             http://$HOST:$PORT/web/login  (a demo user and password per organisation above)
  API docs (try it out):   http://$HOST:$PORT/docs
  TAXII 2.1 discovery:     http://$HOST:$PORT/taxii2/
Use any token above for the API (tokens and passwords printed by an earlier run no longer work):
'Authorization: Bearer <token>', or HTTP Basic with any user name and the token as password. Example:
  curl -H "Authorization: Bearer <token>" http://$HOST:$PORT/api/v1/objects?limit=5
Database: $SHOWN_DB   (Ctrl-C stops the hub; run this again to restart it)

MSG
exec .venv/bin/lionrock serve --host "$HOST" --port "$PORT"
