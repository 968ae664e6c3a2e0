# .gz and .zst by extension on output, by content on input; stdin may be compressed.
printf 'x\ny\nx\nz\n' > in.txt
gzip -c in.txt > in.txt.gz
zstd -q -c in.txt > in.txt.zst
cp in.txt.gz renamed.dat
bitmill-dedup -q in.txt.gz -o out.zst && zstd -dc out.zst
echo "--- zst in, gz out"
bitmill-dedup -q in.txt.zst -o out.gz && gzip -dc out.gz
echo "--- gzip content without the extension, and compressed stdin"
bitmill-dedup -q renamed.dat
zstd -q -c in.txt | bitmill-dedup -q -
echo "--- concatenated members"
cat in.txt.gz in.txt.gz > twice.gz
bitmill-dedup -q --removed rm.txt twice.gz
echo "removed: $(wc -l < rm.txt)"
