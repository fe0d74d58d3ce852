#!/usr/bin/env bash
# Vendor the NHS.UK design system (nhsuk-frontend) into static/vendor/nhsuk-frontend/.
#
# Idempotent: re-running replaces static/vendor/nhsuk-frontend/ wholesale with a
# fresh build of the pinned versions below. Needs node + npm (npm registry only).
#
# What it produces:
#   nhsuk-frontend.min.css  compiled from the Sass sources with
#                           - no @font-face (no request to assets.nhs.uk; text
#                             uses Arial, the design system's fallback font)
#                           - image URLs under /static/vendor/nhsuk-frontend/assets/images/
#   nhsuk-frontend.min.js   the ES module bundle (exports initAll etc.)
#   assets/                 favicons, icons, logos, manifest.json
#   LICENSE, VERSION
set -euo pipefail

NHSUK_FRONTEND_VERSION="10.6.1"
SASS_VERSION="1.108.2"
# Must match settings.STATIC_URL ("/static/").
STATIC_PREFIX="/static/vendor/nhsuk-frontend"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="${here}/nhsuk-frontend"

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

cd "${work}"
cat > package.json <<JSON
{ "name": "nhsuk-frontend-vendor", "version": "0.0.0", "private": true }
JSON
npm install --no-audit --no-fund --ignore-scripts --no-save \
  "nhsuk-frontend@${NHSUK_FRONTEND_VERSION}" "sass@${SASS_VERSION}" >/dev/null

pkg="${work}/node_modules/nhsuk-frontend"
dist="${pkg}/dist/nhsuk"
installed="$(node -p "require('${pkg}/package.json').version")"
if [[ "${installed}" != "${NHSUK_FRONTEND_VERSION}" ]]; then
  echo "expected nhsuk-frontend ${NHSUK_FRONTEND_VERSION}, got ${installed}" >&2
  exit 1
fi

cat > entry.scss <<SCSS
// Settings: see node_modules/nhsuk-frontend/dist/nhsuk/core/settings/_globals.scss
@use "pkg:nhsuk-frontend" as nhsuk with (
  \$nhsuk-assets-path: "${STATIC_PREFIX}/assets/",
  \$nhsuk-images-path: "${STATIC_PREFIX}/assets/images/",
  // No Frutiger web font: it is only served from assets.nhs.uk. Without it in
  // the font stack the default @font-face block is not emitted at all.
  \$nhsuk-font-family: (arial, sans-serif),
  \$nhsuk-include-default-font-face: false,
  \$nhsuk-fonts-path: "${STATIC_PREFIX}/fonts/"
);

// nhsuk-frontend only sets the page font-family together with its Frutiger
// @font-face block (core/elements/_page.scss), so set it here: Arial.
html {
  font-family: nhsuk.\$nhsuk-font-family;
}
SCSS

mkdir -p out
./node_modules/.bin/sass --pkg-importer=node --style=compressed --no-source-map \
  --quiet-deps entry.scss out/nhsuk-frontend.min.css

# The built CSS must not reference any other host.
if grep -Eo 'url\([^)]*\)' out/nhsuk-frontend.min.css | grep -Eiq '(https?:)?//'; then
  echo "built CSS references an external URL:" >&2
  grep -Eo 'url\([^)]*\)' out/nhsuk-frontend.min.css | grep -Ei '(https?:)?//' >&2
  exit 1
fi
if grep -Eiq '@font-face|assets\.nhs\.uk' out/nhsuk-frontend.min.css; then
  echo "built CSS still contains @font-face or assets.nhs.uk" >&2
  exit 1
fi

# Copy the ES module bundle, dropping the source map reference (map not vendored).
sed -e 's|//# sourceMappingURL=.*$||' "${dist}/nhsuk-frontend.min.js" > out/nhsuk-frontend.min.js
cp -R "${dist}/assets" out/assets

if [[ -f "${pkg}/LICENSE" ]]; then
  cp "${pkg}/LICENSE" out/LICENSE
else
  # The npm package declares "license": "MIT" but ships no LICENSE file; this is
  # the upstream repository's licence text.
  cat > out/LICENSE <<'LICENSE'
nhsuk-frontend (https://github.com/nhsuk/nhsuk-frontend), licensed MIT:

MIT License

Copyright (c) 2019 NHS.UK

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.

The NHS.UK frontend documentation is (c) NHS England and available under the
Open Government Licence v3.0. The NHS logo is a registered trade mark.
LICENSE
fi

printf '%s\n' "${NHSUK_FRONTEND_VERSION}" > out/VERSION

rm -rf "${dest}"
mv out "${dest}"
echo "nhsuk-frontend ${NHSUK_FRONTEND_VERSION} vendored into ${dest} ($(du -sh "${dest}" | cut -f1))"
