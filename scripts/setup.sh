#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine: apt packages, a venv in .venv, pinned Python packages.
# Called by scripts/start.sh and scripts/test.sh; safe to run again (it skips what is done).
set -euo pipefail
cd "$(dirname "$0")/.."
APT_PKGS="ffmpeg espeak-ng flite sox tesseract-ocr chromium fonts-dejavu-core fonts-dejavu-extra fonts-liberation"
missing=""
for p in $APT_PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "[setup] apt-get install$missing"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "[setup] creating .venv"
  $PY -m venv .venv
fi
stamp=.venv/.requirements.sha
want=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat $stamp 2>/dev/null)" != "$want" ]; then
  # a first install unpacks about 7 GB (torch here is a CUDA build): say so plainly rather than fail half-way
  free_kb=$(df -Pk .venv | awk 'NR==2 {print $4}')
  if ! ls -d .venv/lib/python3*/site-packages/torch >/dev/null 2>&1 && [ "${free_kb:-0}" -lt 8388608 ]; then
    echo "[setup] only $((free_kb / 1048576)) GiB free on this disk; installing the packages needs about 8 GiB" >&2
    exit 1
  fi
  echo "[setup] pip install -r requirements-dev.txt (a few minutes the first time)"
  .venv/bin/pip install -q --no-cache-dir --upgrade pip >/dev/null
  .venv/bin/pip install -q --no-cache-dir -r requirements-dev.txt
  echo "$want" > $stamp
fi
