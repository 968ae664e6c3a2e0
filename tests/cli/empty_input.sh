# Empty inputs give empty (but valid) outputs.
: > empty.txt
bitmill-dedup empty.txt -o out.txt --removed rm.txt
echo "exit=$? bytes=$(wc -c < out.txt) removed_bytes=$(wc -c < rm.txt)"
: | bitmill-dedup -o out.zst
echo "exit=$? zst_lines=$(zstd -dc out.zst | wc -l)"
printf '\n\n\n' | bitmill-dedup
echo "exit=$?"
