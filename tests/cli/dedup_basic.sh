# Keeps the first occurrence of each line in input order; data on stdout, summary on stderr.
printf 'b\na\nb\n\nc\na\n\nb' > in.txt
bitmill-dedup in.txt
echo "exit=$?"
echo "--- several inputs, one of them stdin, with the removed lines"
printf 'c\nd\nb\n' | bitmill-dedup in.txt - -o kept.txt --removed removed.txt
echo "exit=$?"
cat kept.txt
echo "--- removed"
cat removed.txt
echo "--- quiet"
bitmill-dedup -q in.txt >/dev/null
echo "exit=$?"
