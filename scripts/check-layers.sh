#!/usr/bin/env bash
# Checks the #include lines of lib/ and apps/ against the layering declared in lib/CMakeLists.txt
# and apps/CMakeLists.txt (bitmill_area, bitmill_tool), which CMake writes to BUILD/layers.txt.
# The linker checks calls (the bitmill_linkcheck_* targets); this checks what it cannot see:
# inline functions, templates and types of another area.
#
# Rules, for a file of area A (lib/include/bitmill/A/, lib/src/A/) or of tool T (apps/T/):
#  - "bitmill/B/..." needs B = A or B among the areas A declares, directly or through them (for a
#    tool: among cli and the areas it declares, and theirs);
#  - "B/..." (a private header, lib/src/B/) needs B = A; unit tests (*_test.cc) may also include
#    "testing/..." and the public headers of any area (a test may compare against another area);
#  - <CLI/...> (CLI11) only in cli, apps and benchmark programs (*_bench.cc): no library area
#    parses command lines.
# Usage: scripts/check-layers.sh BUILD/layers.txt. Prints each violation as FILE:LINE: message and
# exits 1 when there is one.
set -euo pipefail
cd "$(dirname "$0")/.."
layers=${1:?usage: scripts/check-layers.sh BUILD/layers.txt}

declare -A deps kind
while IFS= read -r line; do
  [[ $line =~ ^(area|tool)\ ([a-z_]+):\ ?(.*)$ ]] || continue
  kind[${BASH_REMATCH[2]}]=${BASH_REMATCH[1]}
  deps[${BASH_REMATCH[1]}:${BASH_REMATCH[2]}]=${BASH_REMATCH[3]}
done <"$layers"

# closure AREA...: the areas reachable through the declared dependencies, the given ones included.
closure() {
  local -A seen=()
  local todo=("$@") a d
  while [ ${#todo[@]} -gt 0 ]; do
    a=${todo[0]}
    todo=("${todo[@]:1}")
    [ -z "${seen[$a]:-}" ] || continue
    seen[$a]=1
    for d in ${deps[area:$a]:-}; do todo+=("$d"); done
  done
  echo "${!seen[@]}"
}

bad=0
complain() {
  echo "$1: $2"
  bad=1
}

# check FILE OWNER ALLOWED_AREAS CLI_OK
check() {
  local file=$1 owner=$2 allowed=" $3 " cli_ok=$4 test=0 n=0 line inc b
  [[ $file == *_test.cc ]] && test=1
  [[ $file == *_bench.cc ]] && cli_ok=1  # a benchmark program beside its area's code
  while IFS= read -r line; do
    n=$((n + 1))
    [[ $line =~ ^#include\ +([\"\<])([^\"\>]+)[\"\>] ]] || continue
    inc=${BASH_REMATCH[2]}
    if [ "${BASH_REMATCH[1]}" = "<" ]; then
      [[ $inc == CLI/* && $cli_ok = 0 ]] && complain "$file:$n" "CLI11 ($inc) outside cli/ and apps/"
      continue
    fi
    if [[ $inc =~ ^bitmill/[a-z_]+\.h$ ]]; then
      continue  # generated at build time (bitmill/version.h), usable everywhere
    elif [[ $inc =~ ^bitmill/([a-z_]+)/ ]]; then
      b=${BASH_REMATCH[1]}
      [[ $allowed == *" $b "* || $test = 1 ]] || complain "$file:$n" "$owner does not declare the area '$b' ($inc)"
    elif [[ $inc =~ ^([a-z_]+)/ ]]; then
      b=${BASH_REMATCH[1]}
      [[ $b == "$owner" || ($test = 1 && $b == testing) ]] ||
        complain "$file:$n" "private header of another area ($inc)"
    fi
  done <"$file"
}

for a in "${!kind[@]}"; do
  if [ "${kind[$a]}" = area ]; then
    allowed=$(closure "$a")
    cli_ok=0
    [ "$a" = cli ] && cli_ok=1
    for f in $(find "lib/include/bitmill/$a" "lib/src/$a" -type f \( -name '*.h' -o -name '*.cc' \) 2>/dev/null); do
      check "$f" "$a" "$allowed" $cli_ok
    done
  else
    allowed=$(closure ${deps[tool:$a]})
    for f in $(find "apps/$a" -type f \( -name '*.cpp' -o -name '*.h' \)); do check "$f" "$a" "$allowed" 1; done
  fi
done
# Every folder of lib/src/ is a declared area (testing/ holds the unit tests' helpers).
for d in lib/src/*/; do
  d=$(basename "$d")
  [ "$d" = testing ] || [ -n "${kind[$d]:-}" ] || complain "lib/src/$d" "not declared with bitmill_area()"
done
exit $bad
