# Peak RSS of bitmill-dedup (GNU time, installed by scripts/install-deps.sh) on spill_100mb's
# 100 MB input: the 8 MiB budget plus read-ahead blocks, the spool buffer and the binary, against
# the in-memory run's table for 1M keys.
# Skipped (exit 77) in sanitizer builds: ASan's and TSan's shadow memory, ASan's quarantine of
# freed blocks and TSan's per-thread state add tens to hundreds of MiB that have nothing to do with
# the budget, so neither bound says anything there. spill_100mb still runs the spill itself.
if [ -n "${BITMILL_SANITIZE:-}" ]; then
  echo "skipped: peak RSS is not bitmill's under -fsanitize=$BITMILL_SANITIZE (shadow memory, quarantine)"
  exit 77
fi
set -e
awk 'BEGIN { for (i = 1; i <= 1400000; i++) { k = (i * 7919) % 1000003; printf "line %d of a generated corpus with some padding text %d\n", k, k % 97 } }' > in.txt
/usr/bin/time -f %M -o rss.small bitmill-dedup -q --memory 8M in.txt -o /dev/null
/usr/bin/time -f %M -o rss.big bitmill-dedup -q in.txt -o /dev/null
small=$(cat rss.small); big=$(cat rss.big)
echo "peak RSS: ${small} KiB with --memory 8M, ${big} KiB in memory" >&2
[ "$small" -lt 40960 ] && echo "peak RSS with --memory 8M stays under 40 MiB"
[ "$small" -lt "$big" ] && echo "and below the in-memory run's"
