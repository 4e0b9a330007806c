#!/usr/bin/env bash
# What the test suite needs outside Python, installed when missing (run by `make test` and `make test-postgres`):
# Debian's headless Chromium for the browser journeys; Pango, HarfBuzz subset and the DejaVu fonts for WeasyPrint (PDF
# documents; without HarfBuzz subset its deprecation warning fails the PDF tests, warnings being errors).
# As root: apt-get installs what is missing. Otherwise (or with --check): a French message says what to install,
# and the exit status is 1. CHROMIUM and FONTS_DIR name where to look (tests).
set -euo pipefail

check_only=false
[ "${1:-}" = "--check" ] && check_only=true
missing=()
[ -x "${CHROMIUM:-/usr/bin/chromium-headless-shell}" ] || missing+=(chromium-headless-shell)
# The cache is read once: `ldconfig -p | grep -q` fails at random under pipefail (grep leaves early, SIGPIPE).
libraries="$(ldconfig -p 2>/dev/null || true)"
has_library() { [[ "$libraries" == *"$1"* ]]; }
has_library 'libpango-1.0.so.0' || missing+=(libpango-1.0-0)
has_library 'libpangoft2-1.0.so.0' || missing+=(libpangoft2-1.0-0)
has_library 'libharfbuzz-subset.so.0' || missing+=(libharfbuzz-subset0)
[ -d "${FONTS_DIR:-/usr/share/fonts/truetype/dejavu}" ] || missing+=(fonts-dejavu-core)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if ! $check_only && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installation des paquets nécessaires aux tests : ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
{
  echo "Il manque des paquets système pour les tests : ${missing[*]}"
  echo "(Chromium pour les parcours dans un navigateur ; Pango, HarfBuzz et les polices DejaVu pour les PDF.)"
  if command -v apt-get >/dev/null; then
    echo "Installez-les en administrateur : sudo apt-get install ${missing[*]}"
  else
    echo "Installez-les avec le gestionnaire de paquets de votre système (noms Debian ci-dessus)."
  fi
} >&2
exit 1
