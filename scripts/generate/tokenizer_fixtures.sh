#!/usr/bin/env bash
# Regenerates the tokenizer fixtures in tests/fixtures/tokenizers/: small WordPiece, Unigram and
# SentencePiece-BPE tokenizers built from tests/fixtures/tokenizers/sentences.txt and
# data/samples/deu-eng.tsv, and for each one NAME.expected.tsv (sentence, tab, ids) computed by
# Hugging Face's own implementations. Also rewrites lib/src/text/hf_unicode_tables.cc (see
# hf_unicode_tables.mjs). Run it when the sentences or the fixtures change, then review the diff;
# the unit tests only read the files it writes and need neither node nor network.
#
# Needs node + npm (the npm packages go to a temporary directory outside the repository),
# spm_train (Debian: sentencepiece), /usr/bin/python3 with python3-sentencepiece, and cc with
# libutf8proc-dev.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/bitmill-tokenizer-fixtures.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for tool in node npm spm_train cc; do
  command -v "$tool" >/dev/null || { echo "tokenizer_fixtures: $tool not found" >&2; exit 1; }
done
/usr/bin/python3 -c 'import sentencepiece' 2>/dev/null ||
  { echo "tokenizer_fixtures: /usr/bin/python3 lacks sentencepiece (apt-get install python3-sentencepiece)" >&2; exit 1; }

# `tokenizers` is the Rust implementation (its package ships the native builds for every
# platform); `@huggingface/tokenizers` is the pure-JS port, used as a second opinion. Pinned so that
# a regeneration changes the expected ids only when the sentences or the fixtures change.
packages=(tokenizers@0.23.2 @huggingface/tokenizers@0.2.0)
echo '{"private": true}' >"$tmp/package.json"
if ! npm install --prefix "$tmp" --no-audit --no-fund --loglevel=error "${packages[@]}" >&2; then
  echo "tokenizer_fixtures: npm install failed; retrying with --ignore-scripts" >&2
  npm install --prefix "$tmp" --no-audit --no-fund --loglevel=error --ignore-scripts "${packages[@]}" >&2
fi

node "$repo/scripts/generate/hf_unicode_tables.mjs" "$tmp" "$repo"
node "$repo/scripts/generate/tokenizer_fixtures.mjs" "$tmp" "$repo"
echo "tokenizer_fixtures: $(du -cb "$repo"/tests/fixtures/tokenizers | tail -1 | cut -f1) bytes of fixtures" >&2
