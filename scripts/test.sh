#!/usr/bin/env bash
# Set up (first time only) and run every test: unit, model, data, gradio_client and headless-Chromium tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export GRADIO_ANALYTICS_ENABLED=False HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec .venv/bin/python -m pytest -q -ra --timeout=900 tests "$@"
