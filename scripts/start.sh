#!/usr/bin/env bash
# Set up (first time only) and start the demo on http://127.0.0.1:7860. Extra arguments go to app.py.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export GRADIO_ANALYTICS_ENABLED=False HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec .venv/bin/python app.py "$@"
