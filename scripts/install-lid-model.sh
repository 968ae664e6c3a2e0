#!/usr/bin/env bash
# Installs fastText's language identification model lid.176.ftz into .cache/lid/ (gitignored),
# where CMake copies it to build/share/bitmill/ and `cmake --install` to share/bitmill/.
# bitmill-filter uses it for language ID (without it, it falls back to CLD2).
#
# Provenance and licence: lid.176.ftz is the compressed (quantized) language identification model
# published by Facebook AI Research with fastText (https://fasttext.cc/docs/en/language-identification.html,
# A. Joulin, E. Grave, P. Bojanowski, T. Mikolov, "Bag of Tricks for Efficient Text
# Classification", 2016; A. Joulin et al., "FastText.zip: Compressing text classification
# models", 2016). It recognises 176 languages and is distributed under the Creative Commons
# Attribution-Share-Alike License 3.0 (CC BY-SA 3.0). We take the byte-identical copy that the
# npm package fasttext.wasm.js (MIT-licensed code by Yuns; the model keeps its own licence)
# ships, pinned by version and by the model's SHA-256, and never modify it.
#
# Idempotent: does nothing when .cache/lid/lid.176.ftz already has the pinned checksum. Needs npm
# (Debian's `npm` package; installed through apt when missing) and network access to the npm
# registry on the first run. npm runs with --ignore-scripts: the package's install scripts never run.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG="fasttext.wasm.js"
PKG_VERSION="1.0.0"
MODEL_SHA256="8f3472cfe8738a7b6099e8e999c3cbfae0dcd15696aac7d7738a8039db603e83"
MODEL_SIZE=938013
DEST_DIR="$REPO/.cache/lid"
DEST="$DEST_DIR/lid.176.ftz"

sha_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$MODEL_SHA256" ]; }

if sha_ok "$DEST"; then
  echo "install-lid-model: $DEST present" >&2
  exit 0
fi

if ! command -v npm >/dev/null; then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo=(sudo); else
      echo "install-lid-model: need npm (Debian package npm), and root to install it" >&2
      exit 1
    fi
  fi
  echo "install-lid-model: installing npm" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends npm >&2
fi

NPM_PREFIX="$REPO/.cache/npm"
mkdir -p "$NPM_PREFIX" "$DEST_DIR"
PKG_DIR="$NPM_PREFIX/node_modules/$PKG"
if [ ! -f "$PKG_DIR/package.json" ] || ! grep -q "\"version\": \"$PKG_VERSION\"" "$PKG_DIR/package.json"; then
  echo "install-lid-model: npm install $PKG@$PKG_VERSION" >&2
  npm install --ignore-scripts --no-audit --no-fund --no-save --prefix "$NPM_PREFIX" "$PKG@$PKG_VERSION" >&2
fi

# The package has the model in more than one place (dist/fastText/models/, dist/models/...):
# take the first copy with the pinned checksum.
found=""
while IFS= read -r -d '' f; do
  if sha_ok "$f"; then found="$f"; break; fi
done < <(find "$PKG_DIR" -name lid.176.ftz -type f -print0 | sort -z)
if [ -z "$found" ]; then
  echo "install-lid-model: no lid.176.ftz with SHA-256 $MODEL_SHA256 ($MODEL_SIZE bytes) in $PKG_DIR" >&2
  exit 1
fi

# Copy through a temporary name so an interrupted run never leaves a partial model behind.
tmp="$DEST.tmp.$$"
cp "$found" "$tmp"
if ! sha_ok "$tmp" || [ "$(stat -c %s "$tmp")" -ne "$MODEL_SIZE" ]; then
  rm -f "$tmp"
  echo "install-lid-model: copy of $found does not match the pinned checksum" >&2
  exit 1
fi
mv -f "$tmp" "$DEST"
echo "install-lid-model: installed $DEST (from $PKG@$PKG_VERSION)" >&2
