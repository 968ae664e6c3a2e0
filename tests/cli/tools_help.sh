# Every tool answers --help and --version.
for t in dedup embed index mine filter eval; do
  bitmill-$t --help > help.txt; rc=$?
  echo "$t --help exit=$rc usage_line=$(grep -c "^Usage: bitmill-$t" help.txt)"
  bitmill-$t --version | sed -E 's/ \(git [^)]*\)$//'
done
