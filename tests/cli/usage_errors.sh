# Usage errors exit with 1 and point to --help.
printf 'a\n' > a.txt
bitmill-dedup --shard 4/4 a.txt; echo "exit=$?"
bitmill-dedup --shard x a.txt; echo "exit=$?"
bitmill-dedup --memory lots a.txt; echo "exit=$?"
bitmill-dedup --memory 10K a.txt; echo "exit=$?"
bitmill-dedup --key both a.txt; echo "exit=$?"
bitmill-dedup --no-such-option a.txt; echo "exit=$?"
bitmill-dedup a.txt -o x.txt --removed ./x.txt; echo "exit=$? x_exists=$([ -e x.txt ] && echo yes || echo no)"
bitmill-dedup a.txt --removed -; echo "exit=$?"
bitmill-dedup - - < a.txt; echo "exit=$?"
