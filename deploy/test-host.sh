#!/usr/bin/env bash
# Install the Debian packages the test suite drives: chromium (with CJK fonts) for the browser
# tests and the screenshot script, prometheus for promtool, prometheus-alertmanager for the
# Alertmanager sink tests (alertmanager and amtool). Playwright's own browser downloads are not
# used. Idempotent: apt-get runs only when one of the programs is missing, so test setup can
# call it every time.
set -euo pipefail

CHROMIUM="${IPMON_CHROMIUM:-/usr/bin/chromium}"
NEEDED=(
    "$CHROMIUM:chromium fonts-noto-cjk"
    "/usr/bin/promtool:prometheus"
    "/usr/bin/prometheus-alertmanager:prometheus-alertmanager"
    "/usr/bin/amtool:prometheus-alertmanager"
)
# Files that are not programs: without the CJK fonts Chromium draws Chinese text as boxes,
# so the fonts are checked on their own, not only when chromium itself is missing.
FILES=(
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc:fonts-noto-cjk"
)

missing=()
for entry in "${NEEDED[@]}"; do
    program="${entry%%:*}"
    if [ ! -x "$program" ]; then
        missing+=(${entry#*:})
    fi
done
for entry in "${FILES[@]}"; do
    if [ ! -f "${entry%%:*}" ]; then
        missing+=(${entry#*:})
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "test host ready: chromium, CJK fonts, promtool, alertmanager, amtool"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "missing packages ${missing[*]} and apt-get is not available" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# The Debian services must not start on their own: the tests start their own instances.
$SUDO apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef $(printf '%s\n' "${missing[@]}" | sort -u) >/dev/null
for unit in prometheus prometheus-alertmanager prometheus-node-exporter; do
    if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl stop "$unit" 2>/dev/null || true; fi
done
"$CHROMIUM" --version
promtool --version | head -n 1
