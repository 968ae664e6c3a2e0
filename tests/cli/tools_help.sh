# Every tool answers --help and --version; the planned tools say they are not available yet.
for t in dedup embed index mine filter eval; do
  bitmill-$t --help > help.txt; rc=$?
  echo "$t --help exit=$rc usage_line=$(grep -c "^Usage: bitmill-$t" help.txt)"
  bitmill-$t --version | sed -E 's/ \(git [^)]*\)$//'
done
for t in filter; do
  echo "--- $t"
  grep -c "NOT YET AVAILABLE" <(bitmill-$t --help)
  bitmill-$t --anything x; echo "exit=$?"
done
