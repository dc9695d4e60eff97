#!/usr/bin/env bash
# The real browser for the web UI's browser tests (tests/browser): Debian's `chromium` and a font that
# renders Chinese (`fonts-wqy-microhei`, 1.6 MB; fonts-noto-cjk is 56 MB), both from the OS package
# registry. Playwright drives this Chromium through `executable_path`; never `playwright install`.
#
#   bash .ci/browser.sh        installs what is missing (as root, or through sudo); quick when present
#
# Exit status 0: the browser and the font are there. Exit status 3: they are missing and could not be
# installed (no root or sudo, no apt-get, or apt-get failed); it says why, and the browser tests then
# skip with that reason. `.ci/run` calls it before the test suite and, on 0, requires them to run.
set -euo pipefail

have_chromium() {
  [ -n "${LIONROCK_CHROMIUM:-}" ] && [ -x "$LIONROCK_CHROMIUM" ] && return 0
  command -v chromium >/dev/null 2>&1
}

have_cjk_font() {
  if command -v fc-list >/dev/null 2>&1; then
    [ -n "$(fc-list :lang=zh family 2>/dev/null | head -n 1)" ]
  else  # fontconfig's tools are not installed: ask dpkg about the usual Chinese font packages
    dpkg-query -W -f '${Status}\n' fonts-wqy-microhei fonts-wqy-zenhei fonts-noto-cjk 2>/dev/null | grep -q "ok installed"
  fi
}

missing=()
have_chromium || missing+=(chromium)
have_cjk_font || missing+=(fonts-wqy-microhei)
if [ ${#missing[@]} -eq 0 ]; then
  echo "browser tests: chromium and a Chinese font are present"
  exit 0
fi

if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "browser tests: missing ${missing[*]} and no root or sudo to install them; the browser tests will skip" >&2
  exit 3
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "browser tests: missing ${missing[*]} and no apt-get (not Debian/Ubuntu); the browser tests will skip" >&2
  exit 3
fi

echo "browser tests: installing ${missing[*]} (apt-get)"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# A fresh machine may have no package lists yet: try with what is there, else update and try again.
if ! "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >"$log" 2>&1; then
  if ! { "${as_root[@]}" apt-get update -qq && "${as_root[@]}" apt-get install -y -qq "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    echo "browser tests: apt-get could not install ${missing[*]}; the browser tests will skip" >&2
    exit 3
  fi
fi
if ! { have_chromium && have_cjk_font; }; then
  echo "browser tests: installed ${missing[*]} but still no chromium or Chinese font; the browser tests will skip" >&2
  exit 3
fi
echo "browser tests: ${missing[*]} installed"
