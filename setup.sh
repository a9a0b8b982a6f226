#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine for this project: the system tools the tests use
# (xmllint from libxml2-utils; ip from iproute2, for the partition scenario, which runs in
# network namespaces when the tests run as root; promtool from prometheus; fish; chromium) and the npm dependencies, including the pinned Node runtime
# (the `node` package puts Node 24 in node_modules/.bin, which npm scripts run first).
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
# promtool checks the shipped Prometheus alert rules (docs/monitoring); fish checks `sis completion fish`.
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v fish >/dev/null 2>&1 || need+=(fish)
# Debian's Chromium for the pages' browser tests (playwright-core drives it; no browser download).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# A font with Chinese characters, so that the pages' zh screenshots show words, not boxes.
{ command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]; } || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${need[*]} with apt-get"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # The prometheus package also starts a Prometheus server: only its promtool is wanted here.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
    $sudo systemctl disable --now prometheus >/dev/null 2>&1 || true
  fi
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "setup: npm is missing; install Node.js (any version >= 18) and npm first" >&2
  exit 1
fi

# playwright-core never downloads browsers; the tests drive Debian's Chromium.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
echo "setup: done ($(node_modules/.bin/node --version), $(xmllint --version 2>&1 | head -1))"
