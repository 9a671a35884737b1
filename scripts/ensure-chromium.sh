#!/usr/bin/env bash
# Installs Debian's Chromium and a CJK font for the browser tests when missing (Playwright
# drives it; it must not download a browser of its own on these machines).
set -euo pipefail
# Chinese pages need a CJK font for screenshots that show Chinese rather than boxes.
if [ -x /usr/bin/chromium ] && [ -d /usr/share/fonts/opentype/noto ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is missing and we are not root: install Debian's 'chromium' package." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk
[ -x /usr/bin/chromium ] || { echo "chromium install failed" >&2; exit 1; }
