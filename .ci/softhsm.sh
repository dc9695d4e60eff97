#!/usr/bin/env bash
# SoftHSM2 for the PKCS#11 key provider's tests (tests/crypto/test_pkcs11.py, tests/hub/test_keys.py):
# Debian's `softhsm2` (softhsm2-util and libsofthsm2.so), from the OS package registry. The tests make
# their own token in a temporary folder (SOFTHSM2_CONF pointing there); nothing system-wide is touched.
#
#   bash .ci/softhsm.sh        installs it when missing (as root, or through sudo); quick when present
#
# Exit status 0: SoftHSM2 is there. Exit status 3: it is missing and could not be installed; it says why,
# and the PKCS#11 tests then skip with that reason. `.ci/run` calls it and, on 0, requires them to run.
set -euo pipefail

have_softhsm() {
  command -v softhsm2-util >/dev/null 2>&1 && {
    [ -e /usr/lib/softhsm/libsofthsm2.so ] || ls /usr/lib/*/softhsm/libsofthsm2.so >/dev/null 2>&1
  }
}

if have_softhsm; then
  echo "PKCS#11 tests: softhsm2 is present"
  exit 0
fi

if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "PKCS#11 tests: softhsm2 is missing and there is no root or sudo to install it; they will skip" >&2
  exit 3
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "PKCS#11 tests: softhsm2 is missing and there is no apt-get (not Debian/Ubuntu); they will skip" >&2
  exit 3
fi

echo "PKCS#11 tests: installing softhsm2 (apt-get)"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! "${as_root[@]}" apt-get install -y -qq softhsm2 >"$log" 2>&1; then
  if ! { "${as_root[@]}" apt-get update -qq && "${as_root[@]}" apt-get install -y -qq softhsm2; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    echo "PKCS#11 tests: apt-get could not install softhsm2; they will skip" >&2
    exit 3
  fi
fi
if ! have_softhsm; then
  echo "PKCS#11 tests: installed softhsm2 but found no softhsm2-util or libsofthsm2.so; they will skip" >&2
  exit 3
fi
echo "PKCS#11 tests: softhsm2 installed"
