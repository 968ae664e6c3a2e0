#!/usr/bin/env bash
# Build the training corpus of the sentence encoder: translation pairs from the training set and
# from freely licensed parallel text that Debian packages carry, decontaminated against the dev
# sets, cleaned with bitmill-filter and deduplicated with bitmill-dedup.
#
# What, per source (--sources, in this order of priority for deduplication):
#   train    DIR/<a>-<b>.tsv.zst of --train (the files are read as they are)
#   ddtp     Debian package description translations: `apt-get update` of Translation-* lists
#            (every language of the suite), aligned with Translation-en by Description-md5, then
#            by paragraph, list item and sentence (scripts/train/corpus/ddtp.py)
#   gettext  the .mo catalogs of the packages in scripts/train/corpus/gettext-packages.txt and of
#            every libreoffice-l10n-*: msgid/msgstr pairs of 3 words or more, split into
#            sentences when both sides have as many (gettext_mo.py)
#   lohelp   the LibreOffice help (libreoffice-help-*): paragraphs paired by page and paragraph
#            id with the en-US help, then split into sentences (lohelp.py)
#   debref   the Debian Reference (debian-reference-*): text blocks paired by position with the
#            English pages, which po4a keeps in the same structure (debref.py)
#   gettext-tail  the same for the packages of scripts/train/corpus/gettext-tail-packages.txt (1400
#            more packages with catalogs in the long-tail languages; tail_packages.sh lists them),
#            only the languages of long-tail-languages.txt
#   cldr     Unicode CLDR (unicode-cldr-core): emoji names and the display names of languages,
#            territories, units, date fields, months and weekdays, paired by their place in the
#            XML files with English (cldr.py): words and short phrases, for the long tail
#   mozilla  the Firefox ESR and Thunderbird language packs (firefox-esr-l10n-*,
#            thunderbird-l10n-*): Fluent and .properties strings paired by file and message id
#            with the en-US strings in the applications' omni.ja (mozilla.py)
# Packages are fetched with `apt-get download` into CORPUS_DIR/work (never installed), through a
# private apt configuration (its own sources.list and lists: the system's apt state is not
# touched), and unpacked with dpkg-deb.
# Then, per source and language pair:
#   1. decontaminate: remove every pair that has a side (lowercased, white space collapsed) equal
#      to a line of the dev sets (DEV/tatoeba/*, DEV/ntrex/*, DEV/mine/*/src.txt and eng.txt)
#      (decontam.py);
#   2. bitmill-filter --src-lang A --tgt-lang B with its default rules (--rejected and --stats
#      kept); a side in a language the fastText LID model cannot output (tlh, zul, ...) gets
#      --set lang-id.min-prob.LANG=0 (lid_langs.py); a pair bitmill-filter refuses for an unknown
#      language code (its builds before the warning) is redone with --lid none --disable script;
#   3. per language pair over all sources: bitmill-dedup --key pair --normalize nfkc-casefold
#      --fold-whitespace, keeping the first occurrence in source order (train first).
# Output:
#   CORPUS_DIR/pairs/<a>-<b>.tsv.zst  one file per language pair (ISO 639-3 codes in alphabetical
#                                     order, `a<TAB>b`), for scripts/train/train.py --corpus
#   CORPUS_DIR/manifest.json, .md     sources, packages with versions, SHA-256 and licences, and
#                                     counts per source, rule, language pair and language
#   CORPUS_DIR/work/                  downloads, intermediate files, rejected rows, logs
# Why: one command that rebuilds the corpus the default model is trained on, from public inputs.
#
# Usage: scripts/train/build_corpus.sh --train DIR [options] CORPUS_DIR
#   --train DIR       the training pair files <a>-<b>.tsv.zst (required; e.g. ../shared/data/train)
#   --dev DIR         dev sets to decontaminate against (default: ../shared/data/dev relative to
#                     the repository root); they are never copied into the corpus
#   --sources LIST    comma-separated subset of train,ddtp,gettext,gettext-tail,lohelp,debref,mozilla,
#                     cldr (default: all)
#   --mirror URL      Debian mirror (default http://deb.debian.org/debian; a snapshot.debian.org
#                     URL pins the package versions)
#   --suite NAME      Debian suite (default bookworm)
#   --bin DIR         where bitmill-filter and bitmill-dedup are (default: build/bin of this checkout)
#   -t THREADS        threads of bitmill-filter and bitmill-dedup (default 1)
#   --lid ENGINE      bitmill-filter --lid (default auto: fastText when its model is installed)
#   --filter-opt ARG  one more bitmill-filter argument, repeatable (e.g. --filter-opt
#                     --set=lang-id.min-chars=30); recorded in the manifest
#   --zstd-level N    compression level of the pair files (default 12; 19 is 12% smaller, 7x slower)
#   -h, --help        this text
# Same inputs give the same bytes (sorted inputs, LC_ALL=C, no randomness; the manifest records
# no dates or hosts). Every step writes under a temporary name and renames when done, and a rerun
# skips finished steps: an interrupted build resumes. A rerun reuses the apt lists and packages
# already fetched into CORPUS_DIR/work; remove work/apt and work/debs to fetch newer ones. A
# CORPUS_DIR built with other options is refused. Network is needed for the Debian sources only.
# Cost (bookworm, one core): about 23 minutes, 560 MB of .deb files and 70 MB of apt lists
# downloaded, 3.5 GB in CORPUS_DIR/work; the result is about 6.3M pairs, 200 MB (see the manifest).
# Needs: apt, dpkg-deb, zstd, /usr/bin/python3 (standard library), bitmill-filter, bitmill-dedup.
# Progress goes to standard error; timings to CORPUS_DIR/work/timings.tsv.
set -euo pipefail
export LC_ALL=C PYTHONUTF8=1 PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/scripts/train/corpus"
PY=/usr/bin/python3
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
die() { echo "build_corpus: error: $*" >&2; exit 1; }
log() { echo "build_corpus: $*" >&2; }

ALL_SOURCES=train,ddtp,gettext,gettext-tail,lohelp,debref,mozilla,cldr
TRAIN="" DEV="$ROOT/../shared/data/dev" SOURCES=$ALL_SOURCES MIRROR=http://deb.debian.org/debian SUITE=bookworm
BIN="$ROOT/build/bin" THREADS=1 LID=auto ZLEVEL=12 OUT="" FILTER_OPTS=()
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --train) TRAIN=${2:?--train needs a directory}; shift 2 ;;
    --dev) DEV=${2:?--dev needs a directory}; shift 2 ;;
    --sources) SOURCES=${2:?--sources needs a list}; shift 2 ;;
    --mirror) MIRROR=${2:?--mirror needs a URL}; shift 2 ;;
    --suite) SUITE=${2:?--suite needs a name}; shift 2 ;;
    --bin) BIN=${2:?--bin needs a directory}; shift 2 ;;
    -t | --threads) THREADS=${2:?-t needs a number}; shift 2 ;;
    --lid) LID=${2:?--lid needs an engine}; shift 2 ;;
    --zstd-level) ZLEVEL=${2:?--zstd-level needs a number}; shift 2 ;;
    --filter-opt) FILTER_OPTS+=("${2:?--filter-opt needs an argument}"); shift 2 ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) [[ -z $OUT ]] || die "more than one CORPUS_DIR ('$OUT', '$1')"; OUT=$1; shift ;;
  esac
done
[[ -n $OUT ]] || { usage >&2; die "CORPUS_DIR is required"; }
[[ $THREADS =~ ^[0-9]+$ ]] || die "-t expects a number, not '$THREADS'"
[[ $ZLEVEL =~ ^[0-9]+$ ]] || die "--zstd-level expects a number, not '$ZLEVEL'"
IFS=, read -r -a SRC <<<"$SOURCES"
((${#SRC[@]})) || die "--sources is empty"
for s in "${SRC[@]}"; do [[ ,$ALL_SOURCES, == *,$s,* ]] || die "unknown source '$s' (known: $ALL_SOURCES)"; done
# Keep the priority order whatever order --sources was given in.
ORDERED=()
for s in ${ALL_SOURCES//,/ }; do [[ ,$SOURCES, == *,$s,* ]] && ORDERED+=("$s"); done
SRC=("${ORDERED[@]}")
has_source() { [[ " ${SRC[*]} " == *" $1 "* ]]; }
if has_source train; then
  [[ -n $TRAIN ]] || die "--train DIR is required (the training pair files, e.g. ../shared/data/train)"
  [[ -d $TRAIN ]] || die "--train '$TRAIN' is not a directory"
  TRAIN=$(cd "$TRAIN" && pwd)
fi
[[ -d $DEV/tatoeba && -d $DEV/mine ]] || die "'$DEV' has no tatoeba/ and mine/ dev sets (use --dev): decontamination needs them"
DEV=$(cd "$DEV" && pwd)
FILTER=$BIN/bitmill-filter DEDUP=$BIN/bitmill-dedup
for tool in "$FILTER" "$DEDUP"; do [[ -x $tool ]] || die "$tool not found: build first (cmake --build build) or pass --bin"; done
for tool in zstd apt-get apt-cache dpkg-deb sha256sum; do command -v "$tool" >/dev/null || die "$tool not found"; done
[[ -x $PY ]] || die "$PY not found (Debian package python3)"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
case "$OUT/" in "$DEV"/*) die "CORPUS_DIR is inside the dev sets ($DEV)" ;; esac
case "$OUT/" in "$ROOT"/*) die "CORPUS_DIR is inside the repository ($ROOT): the corpus must not be committed; build it elsewhere" ;; esac
if has_source train; then case "$OUT/" in "$TRAIN"/*) die "CORPUS_DIR is inside --train" ;; esac; fi

WORK=$OUT/work
mkdir -p "$WORK" "$OUT/pairs"
# The options that change the output; a CORPUS_DIR built with others is refused.
OPTIONS=$(printf 'sources=%s\ntrain=%s\ndev=%s\nmirror=%s\nsuite=%s\nlid=%s\nzstd_level=%s\n' \
  "${SRC[*]}" "$TRAIN" "$DEV" "$MIRROR" "$SUITE" "$LID" "$ZLEVEL")
((${#FILTER_OPTS[@]} == 0)) || OPTIONS+=$'\n'"filter_opts=${FILTER_OPTS[*]}"
if [[ -f $WORK/options ]]; then
  [[ $(cat "$WORK/options") == "$OPTIONS" ]] ||
    die "$OUT was built with other options ($WORK/options): use another CORPUS_DIR or remove it"
else
  printf '%s\n' "$OPTIONS" >"$WORK/options.tmp" && mv "$WORK/options.tmp" "$WORK/options"
fi
START=$SECONDS
STEP_T0=$SECONDS
step_done() {  # step_done NAME: log and record the time of a step
  local dt=$((SECONDS - STEP_T0))
  printf '%s\t%s\n' "$1" "$dt" >>"$WORK/timings.tsv"
  log "$1 done [$dt s]"
  STEP_T0=$SECONDS
}
zcompress() {  # zcompress IN OUT: single-threaded, so the bytes do not depend on the machine
  local ultra=()
  ((ZLEVEL <= 19)) || ultra=(--ultra)
  zstd -q -T1 "${ultra[@]}" -"$ZLEVEL" -f -o "$2" "$1"
}

# --- Debian: private apt configuration, lists and downloads ------------------------------------
APT_DIR=$WORK/apt
APT_CONF=$APT_DIR/etc/apt.conf
apt_config() {  # apt_config LANG...: (re)write the private apt configuration
  mkdir -p "$APT_DIR"/etc/sources.list.d "$APT_DIR"/lists/partial "$APT_DIR"/cache/archives/partial
  : >"$APT_DIR/status"
  printf 'deb %s %s main\n' "$MIRROR" "$SUITE" >"$APT_DIR/etc/sources.list"
  {
    printf 'Dir::State::Lists "%s/lists/";\n' "$APT_DIR"
    printf 'Dir::Cache "%s/cache/";\n' "$APT_DIR"
    printf 'Dir::Etc::SourceList "%s/etc/sources.list";\n' "$APT_DIR"
    printf 'Dir::Etc::SourceParts "%s/etc/sources.list.d/";\n' "$APT_DIR"
    # An empty dpkg status: the host's installed packages (some newer than the suite's, from its
    # security updates) must not become the versions apt tries to download.
    printf 'Dir::State::status "%s/status";\n' "$APT_DIR"
    printf 'APT::Sandbox::User "root";\n'
    printf '#clear Acquire::Languages;\nAcquire::Languages {'
    for l in "$@"; do printf ' "%s";' "$l"; done
    printf ' };\n'
  } >"$APT_CONF"
}
need_apt() {
  [[ -f $APT_DIR/.done ]] && return
  log "apt: fetching the package lists of $SUITE from $MIRROR into $APT_DIR"
  rm -rf "$APT_DIR"
  apt_config en
  apt-get -q -c "$APT_CONF" update >&2 || die "apt-get update failed (network? --mirror?)"
  # Every description translation the suite publishes, from its InRelease.
  local langs
  langs=$(grep -ho 'main/i18n/Translation-[A-Za-z_]*' "$APT_DIR"/lists/*InRelease | sed 's|.*Translation-||' | sort -u)
  [[ -n $langs ]] || die "no Translation-* files listed in the $SUITE InRelease"
  # shellcheck disable=SC2086
  apt_config $langs
  apt-get -q -c "$APT_CONF" update >&2 || die "apt-get update (translations) failed"
  touch "$APT_DIR/.done"
  step_done apt-lists
}
pkgnames() { apt-cache -c "$APT_CONF" pkgnames "$1" | sort; }
download() {  # download SOURCE PACKAGE...: .deb files into work/debs/SOURCE (once)
  local src=$1 dir=$WORK/debs/$1
  shift
  [[ -f $dir/.done ]] && return
  rm -rf "$dir" && mkdir -p "$dir"
  local avail=() missing=()
  # One apt-cache call for all of them (one per package took 7 minutes for gettext-tail's 1407):
  # the packages it shows a record of are there; virtual and unknown names get none.
  mapfile -t avail < <(apt-cache -c "$APT_CONF" show --no-all-versions "$@" 2>/dev/null |
    sed -n 's/^Package: //p' | sort -u)
  mapfile -t missing < <(printf '%s\n' "$@" | sort -u | comm -23 - <(printf '%s\n' "${avail[@]}"))
  printf '%s\n' "${missing[@]}" | sed '/^$/d' >"$dir/missing.txt"
  ((${#missing[@]} == 0)) || log "$src: not in $SUITE, skipped: ${missing[*]}"
  log "$src: downloading ${#avail[@]} packages"
  if ! (cd "$dir" && apt-get -q -c "$APT_CONF" download "${avail[@]}" >&2); then
    # One package apt cannot fetch stops the whole call (an installed version newer than the
    # suite's, which apt then prefers, has no source here): fetch one by one, and list the
    # packages that still fail with the missing ones.
    log "$src: apt-get download failed; fetching one package at a time"
    local p
    for p in "${avail[@]}"; do
      compgen -G "$dir/${p}_*.deb" >/dev/null && continue
      (cd "$dir" && apt-get -q -c "$APT_CONF" download "$p" >/dev/null 2>&1) ||
        { log "$src: cannot download $p, skipped"; echo "$p" >>"$dir/missing.txt"; }
    done
  fi
  touch "$dir/.done"
}
ISO=$WORK/iso/usr/share/iso-codes/json/iso_639-3.json
need_iso() {  # the iso-codes package's ISO 639-3 table, for language codes
  [[ -f $WORK/iso/.done ]] && return
  need_apt
  download iso iso-codes
  rm -rf "$WORK/iso.tmp"
  "$PY" "$HERE/unpack.py" --match '^usr/share/iso-codes/json/iso_639-3\.json$' --root "$WORK/iso.tmp" \
    --info "$WORK/iso.tmp/info.json" "$WORK"/debs/iso/*.deb
  mkdir -p "$WORK/iso.tmp/usr/share" && mv "$WORK/iso.tmp/iso-codes/usr/share/iso-codes" "$WORK/iso.tmp/usr/share/"
  rm -rf "$WORK/iso.tmp/iso-codes" "$WORK/iso"
  touch "$WORK/iso.tmp/.done" && mv "$WORK/iso.tmp" "$WORK/iso"
}
EXTRACTOR_ARGS=()  # more arguments of the next debian_source's extractor
debian_source() {  # debian_source SOURCE REGEX EXTRACTOR.py PACKAGE...: download, unpack, extract
  local src=$1 match=$2 extractor=$3
  shift 3
  [[ -d $WORK/raw/$src ]] && return
  need_iso
  download "$src" "$@"
  local root=$WORK/root/$src tmp=$WORK/raw/$src.tmp
  rm -rf "$root" "$tmp" && mkdir -p "$root" "$tmp"
  "$PY" "$HERE/unpack.py" --match "$match" --root "$root" --info "$tmp/_packages.json" "$WORK"/debs/"$src"/*.deb
  cp "$WORK/debs/$src/missing.txt" "$tmp/_missing.txt"
  "$PY" "$HERE/$extractor" --root "$root" --iso639 "$ISO" --out "$tmp" --stats "$tmp/_stats.json" \
    "${EXTRACTOR_ARGS[@]}"
  EXTRACTOR_ARGS=()
  rm -rf "$root"
  mv "$tmp" "$WORK/raw/$src"
  step_done "extract $src"
}

# --- Extraction: WORK/raw/<source>/<a>-<b>.tsv ---------------------------------------------------
mkdir -p "$WORK/raw"
for src in "${SRC[@]}"; do
  case $src in
    train)
      [[ -d $WORK/raw/train ]] && continue
      tmp=$WORK/raw/train.tmp
      rm -rf "$tmp" && mkdir -p "$tmp"
      shopt -s nullglob
      files=("$TRAIN"/*.tsv.zst)
      shopt -u nullglob
      ((${#files[@]})) || die "no <a>-<b>.tsv.zst files in $TRAIN"
      : >"$tmp/_files.tsv"
      for f in "${files[@]}"; do
        name=$(basename "$f" .tsv.zst)
        [[ $name =~ ^([a-z]{2,3})-([a-z]{2,3})$ ]] || die "$f: not named <a>-<b>.tsv.zst with ISO 639-3 codes"
        a=${BASH_REMATCH[1]} b=${BASH_REMATCH[2]}
        [[ $a < $b ]] || die "$f: the languages must be in alphabetical order ($a-$b)"
        zstd -dcq "$f" >"$tmp/$name.tsv" || die "cannot decompress $f"
        printf '%s\t%s\t%s\n' "$(basename "$f")" "$(sha256sum <"$f" | cut -d' ' -f1)" "$(wc -l <"$tmp/$name.tsv")" >>"$tmp/_files.tsv"
      done
      mv "$tmp" "$WORK/raw/train"
      step_done "extract train"
      ;;
    ddtp)
      [[ -d $WORK/raw/ddtp ]] && continue
      need_apt
      need_iso
      tmp=$WORK/raw/ddtp.tmp
      rm -rf "$tmp" && mkdir -p "$tmp"
      "$PY" "$HERE/ddtp.py" --lists "$APT_DIR/lists" --iso639 "$ISO" --out "$tmp" --stats "$tmp/_stats.json"
      # The lists it read, for the manifest.
      (cd "$APT_DIR/lists" && for f in *InRelease *_i18n_Translation-*; do
        [[ -f $f ]] && printf '%s\t%s\t%s\n' "$f" "$(/usr/lib/apt/apt-helper cat-file "$f" | sha256sum | cut -d' ' -f1)" \
          "$(/usr/lib/apt/apt-helper cat-file "$f" | wc -c)"
      done) >"$tmp/_lists.tsv"
      grep -h -m3 -E '^(Origin|Suite|Version|Codename|Date):' "$APT_DIR"/lists/*InRelease >"$tmp/_release.txt" || true
      mv "$tmp" "$WORK/raw/ddtp"
      step_done "extract ddtp"
      ;;
    gettext)
      [[ -d $WORK/raw/gettext ]] && continue
      need_apt
      mapfile -t pk < <(sed 's/#.*//; s/[[:space:]]//g; /^$/d' "$HERE/gettext-packages.txt"
        pkgnames libreoffice-l10n- | grep -v -E '^libreoffice-l10n-en-')
      mapfile -t pk < <(printf '%s\n' "${pk[@]}" | sort -u)
      debian_source gettext '/LC_MESSAGES/[^/]+\.mo$' gettext_mo.py "${pk[@]}"
      ;;
    gettext-tail)
      [[ -d $WORK/raw/gettext-tail ]] && continue
      need_apt
      mapfile -t pk < <(sed 's/#.*//; s/[[:space:]]//g; /^$/d' "$HERE/gettext-tail-packages.txt" | sort -u)
      # Only the long-tail locales' catalogs are unpacked (the packages carry every language's).
      locales=$(sed 's/#.*//' "$HERE/long-tail-languages.txt" | awk 'NF >= 2 {print $2}' | paste -sd'|')
      EXTRACTOR_ARGS=(--langs "$HERE/long-tail-languages.txt")
      debian_source gettext-tail "/locale/($locales)(_[A-Z]+)?(@[a-z]+)?/LC_MESSAGES/[^/]+\.mo\$" gettext_mo.py "${pk[@]}"
      ;;
    lohelp)
      [[ -d $WORK/raw/lohelp ]] && continue
      need_apt
      mapfile -t pk < <(pkgnames libreoffice-help- | grep -v -E '^libreoffice-help-(common|en-gb|en-za)$')
      debian_source lohelp '^usr/share/libreoffice/help/[^/]+/text/.*\.html$' lohelp.py "${pk[@]}"
      ;;
    debref)
      [[ -d $WORK/raw/debref ]] && continue
      need_apt
      mapfile -t pk < <(pkgnames debian-reference- | grep -v -E '^debian-reference-common$')
      debian_source debref '^usr/share/debian-reference/[^/]+\.html$' debref.py "${pk[@]}"
      ;;
    mozilla)
      [[ -d $WORK/raw/mozilla ]] && continue
      need_apt
      mapfile -t pk < <({ echo firefox-esr; echo thunderbird; pkgnames firefox-esr-l10n-; pkgnames thunderbird-l10n-; } |
        grep -v -E -- '-l10n-(all|en-[a-z]+)$' | sort -u)
      debian_source mozilla '(^|/)(omni\.ja|langpack-[^/]+\.xpi)$' mozilla.py "${pk[@]}"
      ;;
    cldr)
      [[ -d $WORK/raw/cldr ]] && continue
      need_apt
      debian_source cldr '^usr/share/unicode/cldr/common/(main|annotations)/[^/]+\.xml$' cldr.py unicode-cldr-core
      ;;
  esac
done

# --- Decontamination: WORK/decon/<source>/ --------------------------------------------------------
mkdir -p "$WORK/decon"
for src in "${SRC[@]}"; do
  [[ -d $WORK/decon/$src ]] && continue
  rm -rf "$WORK/decon/$src.tmp"
  "$PY" "$HERE/decontam.py" --dev "$DEV" --in "$WORK/raw/$src" --out "$WORK/decon/$src.tmp" \
    --stats "$WORK/decon/$src.tmp/_stats.json"
  mv "$WORK/decon/$src.tmp" "$WORK/decon/$src"
  step_done "decontaminate $src"
done

# --- Filtering: WORK/filt/<source>/<a>-<b>.{tsv,stats.json,rejected.tsv.zst,mode,log} -------------
# The language-ID engine bitmill-filter resolves --lid to, and with fastText the languages its
# model can output: bitmill-filter's table also has languages only CLD2 knows (tlh, run, zul, orm,
# dzo, ...), which fastText never guesses, so lang-id would reject all their pairs; such a side
# gets --set lang-id.min-prob.LANG=0 (lang-id still checks the other side).
LID_ENGINE=$(printf 'a\tb\n' | "$FILTER" -v --lid "$LID" --src-lang eng --tgt-lang deu -o /dev/null 2>&1 |
  sed -n 's/.*language ID: //p' | head -n1)
LID_COVERED=""
if [[ $LID_ENGINE == fasttext ]]; then
  model=$BIN/../share/bitmill/lid.176.ftz
  if [[ -f $model ]]; then
    need_iso
    LID_COVERED=" $("$PY" "$HERE/lid_langs.py" --model "$model" --iso639 "$ISO" | tr '\n' ' ')"
  else
    log "no $model: every declared language is left to bitmill-filter's lang-id rule"
  fi
fi
log "language ID: ${LID_ENGINE:-none}"
for src in "${SRC[@]}"; do
  dir=$WORK/filt/$src
  [[ -f $dir/.done ]] && continue
  mkdir -p "$dir"
  n=0
  for in in "$WORK/decon/$src"/*.tsv; do
    [[ -e $in ]] || continue
    pair=$(basename "$in" .tsv)
    [[ $pair == _* ]] && continue
    a=${pair%-*} b=${pair#*-}
    [[ -f $dir/$pair.mode ]] && continue
    base=$dir/$pair
    args=(-t "$THREADS" --src-lang "$a" --tgt-lang "$b" --stats "$base.stats.json.tmp" --rejected "$base.rejected.tsv.tmp"
      -o "$base.tsv.tmp" "${FILTER_OPTS[@]}")
    mode=()
    if [[ -n $LID_COVERED ]]; then
      for x in "$a" "$b"; do
        [[ $LID_COVERED == *" $x "* ]] || mode+=(--set "lang-id.min-prob.$x=0")
      done
    fi
    if ! "$FILTER" "${args[@]}" --lid "$LID" "${mode[@]}" -- "$in" 2>"$base.log"; then
      # bitmill-filter builds before the warning for languages it does not know stop here.
      grep -q 'unknown language code' "$base.log" || die "bitmill-filter failed on $src/$pair: $(tail -n1 "$base.log")"
      mode=(--lid none --disable script)
      "$FILTER" "${args[@]}" "${mode[@]}" -- "$in" 2>>"$base.log" || die "bitmill-filter failed on $src/$pair (see $base.log)"
    fi
    zcompress "$base.rejected.tsv.tmp" "$base.rejected.tsv.zst.tmp" && rm "$base.rejected.tsv.tmp"
    mv "$base.rejected.tsv.zst.tmp" "$base.rejected.tsv.zst"
    mv "$base.stats.json.tmp" "$base.stats.json"
    mv "$base.tsv.tmp" "$base.tsv"
    printf '%s\n' "${mode[*]:-default}" >"$base.mode.tmp" && mv "$base.mode.tmp" "$base.mode"
    n=$((n + 1))
  done
  touch "$dir/.done"
  step_done "filter $src ($n pair files)"
done

# --- Deduplication over the sources, per language pair: pairs/<a>-<b>.tsv.zst ---------------------
mkdir -p "$WORK/dedup"
mapfile -t PAIRS < <(for src in "${SRC[@]}"; do
  for f in "$WORK/filt/$src"/*.tsv; do [[ -e $f ]] && basename "$f" .tsv; done
done | sort -u)
for pair in "${PAIRS[@]}"; do
  [[ -f $WORK/dedup/$pair.counts.tsv && -f $OUT/pairs/$pair.tsv.zst ]] && continue
  tmp=$WORK/dedup/$pair
  for src in "${SRC[@]}"; do
    f=$WORK/filt/$src/$pair.tsv
    [[ -f $f ]] && awk -v s="$src" 'BEGIN {FS = OFS = "\t"} {print $1, $2, s}' "$f"
  done >"$tmp.in.tmp"
  "$DEDUP" -q -t "$THREADS" --key pair --normalize nfkc-casefold --fold-whitespace \
    --removed "$tmp.removed.tmp" -o "$tmp.kept.tmp" "$tmp.in.tmp" || die "bitmill-dedup failed on $pair"
  for src in "${SRC[@]}"; do
    printf '%s\t%s\t%s\n' "$src" "$(awk -F'\t' -v s="$src" '$3 == s' "$tmp.kept.tmp" | wc -l)" \
      "$(awk -F'\t' -v s="$src" '$3 == s' "$tmp.removed.tmp" | wc -l)"
  done >"$tmp.counts.tsv.tmp"
  cut -f1,2 "$tmp.kept.tmp" >"$tmp.tsv.tmp"
  zcompress "$tmp.tsv.tmp" "$OUT/pairs/$pair.tsv.zst.tmp"
  mv "$OUT/pairs/$pair.tsv.zst.tmp" "$OUT/pairs/$pair.tsv.zst"
  rm -f "$tmp.in.tmp" "$tmp.kept.tmp" "$tmp.removed.tmp" "$tmp.tsv.tmp"
  mv "$tmp.counts.tsv.tmp" "$tmp.counts.tsv"
done
step_done "deduplicate and compress (${#PAIRS[@]} language pairs)"

# --- Manifest ------------------------------------------------------------------------------------
"$PY" "$HERE/manifest.py" --corpus "$OUT" --sources "$(IFS=,; echo "${SRC[*]}")" \
  --filter-version "$("$FILTER" --version)" --dedup-version "$("$DEDUP" --version)" \
  --lid-engine "$LID_ENGINE" --lid-covered "$LID_COVERED" --options "$WORK/options"
step_done manifest
log "done in $((SECONDS - START)) s: $(find "$OUT/pairs" -name '*.tsv.zst' | wc -l) pair files, $(du -sh "$OUT/pairs" | cut -f1) in $OUT/pairs"
