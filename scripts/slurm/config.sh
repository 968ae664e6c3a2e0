# The pipeline's configuration (sourced by pipeline.sh, stage.sh and one_process.sh): defaults,
# then the user's CONFIG file (shell variables, see example.conf), then checks.

# PIPELINE_STAGES: the stages in order, each waiting for the one before (set by load_config: the
# k-NN comes from the exact sharded search, or with INDEX from FAISS indexes built in shards).

load_config() {
  local file=$1
  [ -f "$file" ] || { echo "pipeline: no config file $file" >&2; exit 1; }
  # Defaults (example.conf documents each).
  SRC_LANG="" TGT_LANG="" SRC_TEXT=() TGT_TEXT=() OUT=""
  PIECES=4 KNN_SHARDS=4 THRESHOLD=1.06 MODEL="" MINE_OPTS="" FILTER_OPTS=""
  NEAR_PIECES=4 NEAR_JOINS=7 NEAR_OPTS="--verify 0.8" NEAR_MEMORY=2G
  CPUS=4 MEM=8G SBATCH_OPTS="" TIME_MINUTES="" DIM=1024
  BITMILL_BIN="" PAUSE_STAGE="" PAUSE_SECONDS=0 INDEX="" INDEX_SHARDS=4
  # shellcheck disable=SC1090
  . "$file"
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  BITMILL_BIN=${BITMILL_BIN:-$root/build/bin}
  local bad=""
  # The first problem found is reported.
  [ -n "$SRC_LANG" ] && [ -n "$TGT_LANG" ] || bad=${bad:-"SRC_LANG and TGT_LANG must be set"}
  [ ${#SRC_TEXT[@]} -gt 0 ] && [ ${#TGT_TEXT[@]} -gt 0 ] || bad=${bad:-"SRC_TEXT and TGT_TEXT must name files"}
  [ -n "$OUT" ] || bad=${bad:-"OUT must name the output folder"}
  local v
  [[ $MEM =~ ^[0-9]+[MGT]?$ ]] || bad=${bad:-"MEM must be a size like 8G or 500M, not '$MEM'"}
  [ -z "$TIME_MINUTES" ] || [[ $TIME_MINUTES =~ ^[1-9][0-9]*$ ]] ||
    bad=${bad:-"TIME_MINUTES must be minutes, not '$TIME_MINUTES'"}
  for v in PIECES KNN_SHARDS NEAR_PIECES NEAR_JOINS CPUS DIM INDEX_SHARDS; do
    [[ ${!v} =~ ^[1-9][0-9]{0,5}$ ]] || bad=${bad:-"$v must be a whole number from 1 to 999999, not '${!v}'"}
  done
  for v in "${SRC_TEXT[@]}" "${TGT_TEXT[@]}"; do [ -f "$v" ] || bad=${bad:-"no input file $v"}; done
  [ -x "$BITMILL_BIN/bitmill-mine" ] || bad=${bad:-"no bitmill tools in $BITMILL_BIN (build first, or set BITMILL_BIN)"}
  if [ -n "$bad" ]; then
    echo "pipeline: $file: $bad" >&2
    exit 1
  fi
  OUT=$(realpath -m "$OUT")
  if [ -n "$INDEX" ]; then
    PIPELINE_STAGES=(split embed embmerge itrain iadd imerge imine filter dedup nsign njoin ncluster napply collect)
  else
    PIPELINE_STAGES=(split embed embmerge knn mine filter dedup nsign njoin ncluster napply collect)
  fi
  local i
  for i in "${!SRC_TEXT[@]}"; do SRC_TEXT[$i]=$(realpath "${SRC_TEXT[$i]}"); done
  for i in "${!TGT_TEXT[@]}"; do TGT_TEXT[$i]=$(realpath "${TGT_TEXT[$i]}"); done
}
