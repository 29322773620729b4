#!/usr/bin/env bash
# Install the headless browser the end-to-end tests and the screenshot script drive:
# Debian's chromium (Playwright's own browser downloads cannot be used here). Idempotent:
# apt-get runs only when /usr/bin/chromium is missing, so test setup can call it every time.
set -euo pipefail

CHROMIUM="${IPMON_CHROMIUM:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
    echo "chromium present: $CHROMIUM"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium missing at $CHROMIUM and apt-get is not available" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
"$CHROMIUM" --version
