#!/usr/bin/env bash
# Set up everything ADV intake needs on a fresh Debian machine (idempotent; quick when already done):
# the Debian packages (tesseract OCR with French and English data; Dovecot, the IMAP server the mailbox
# tests start on a local port; Chromium, the headless browser the review desk tests drive), a virtualenv in .venv with the
# project and its development tools installed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
# fonts-dejavu-core: the fonts the scan sample generator draws with (samples/scans/render.py)
DEBIAN_PACKAGES=(tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng dovecot-imapd chromium fonts-dejavu-core)

missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
        echo "setup: please install these Debian packages as root: ${missing[*]}" >&2
        exit 1
    fi
    SUDO=$([ "$(id -u)" -eq 0 ] && echo "" || echo sudo)
    echo "setup: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv with $($PYTHON --version)"
    "$PYTHON" -m venv .venv
fi
# Reinstall only when the dependencies changed.
stamp=".venv/.adv-installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    echo "setup: installing Python packages (a few minutes the first time)"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".[dev]"
    rm -f .venv/.adv-installed-*
    touch "$stamp"
fi
echo "setup: ready (.venv/bin/adv)"
