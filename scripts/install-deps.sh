#!/usr/bin/env bash
# Installs what bitmill needs to build and test, from Debian bookworm packages only.
# Idempotent: packages already present are left alone, and apt is not touched at all when nothing
# is missing. Needs root (or sudo).
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config git
  make              # scripts/make/Makefile: the pipeline as Make targets
  clang               # the fuzz build (scripts/fuzz.sh, -DBITMILL_FUZZ=ON)
  libclang-rt-14-dev  # libFuzzer, ASan and UBSan runtimes for clang 14
  # libraries (headers + shared objects)
  libcli11-dev      # command-line parsing, shared option groups
  libtbb-dev        # oneTBB pipelines and parallel sort
  libfmt-dev        # message formatting
  zlib1g-dev        # .gz input/output
  libzstd-dev       # .zst input/output
  libxxhash-dev     # XXH3 64/128-bit key hashes (dedup)
  libutf8proc-dev   # NFKC / case folding for --normalize
  nlohmann-json3-dev  # model configs and safetensors headers (bitmill-embed)
  libfaiss-dev      # FAISS indexes (bitmill-index, bitmill-mine)
  libsentencepiece-dev  # XLM-R tokenizers (bitmill-embed)
  libicu-dev        # Unicode scripts (bitmill-filter script rule)
  libfasttext-dev   # language ID with lid.176.ftz (bitmill-filter)
  libcld2-dev       # language ID fallback without a fastText model
  libsimdjson-dev   # JSONL web documents (bitmill-filter --mono)
  libyaml-cpp-dev   # --config pipeline files (bitmill-filter)
  libhunspell-dev   # spelling tells close languages apart (bitmill-filter lang-id)
  # Hunspell dictionaries of the lang-id rule's close languages (read from /usr/share/hunspell)
  hunspell-af hunspell-nl hunspell-da hunspell-sv hunspell-no hunspell-et hunspell-cs hunspell-sk
  hunspell-sl hunspell-hr hunspell-sr hunspell-bs hunspell-ru hunspell-uk hunspell-be hunspell-bg
  hunspell-es hunspell-ca hunspell-gl hunspell-pt-pt hunspell-it hunspell-fr hunspell-de-de
  hunspell-tr hunspell-id hunspell-gd
  doctest-dev       # unit tests
  # tools used by the build and the tests
  pandoc            # man pages from man/*.1.md
  clang-format      # style check in the test suite
  zstd gzip         # CLI tests make and check archives
  time              # /usr/bin/time: peak memory in tests and benchmarks
  slurm-wlm munge   # a private single-node Slurm for tests/cli/slurm_pipeline.sh (scripts/slurm/local_cluster.sh)
  # independent references for the tests (Debian's Python, /usr/bin/python3)
  python3-torch python3-numpy python3-sentencepiece
  sentencepiece     # spm_train: the tokenizer step of scripts/train (tests/cli/train_static.sh)
  icu-devtools      # uconv: Zawgyi copies of the Burmese training pairs (scripts/train/zawgyi_copies.py)
  python3-faiss     # the NumPy + FAISS mining reference (tests/reference/mine_reference.py)
  libopenblas-dev   # the peer in scripts/bench/sgemm.sh (never the engine)
  libopenblas0-pthread  # without it Debian's PyTorch falls back to the reference BLAS (30x slower)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present" >&2
  "$(dirname "${BASH_SOURCE[0]}")/install-lid-model.sh"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then sudo=(sudo); else
    echo "install-deps: need root to install: ${missing[*]}" >&2
    exit 1
  fi
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
# fastText's language ID model (not a Debian package): from npm, pinned by checksum.
"$(dirname "${BASH_SOURCE[0]}")/install-lid-model.sh"
