# --key on TSV bitext and --normalize / --fold-whitespace.
printf 'Haus\thouse\t0.9\nHaus\tbuilding\t0.8\nGebäude\thouse\t0.7\nHaus\thouse\t0.1\nhaus\tHOUSE\t0.5\n Haus  \t house\t0.4\n' > bi.tsv
for key in line src tgt pair; do
  echo "--- --key $key"
  bitmill-dedup -q --key $key bi.tsv
done
echo "--- --key pair --normalize casefold --fold-whitespace"
bitmill-dedup -q --key pair --normalize casefold --fold-whitespace bi.tsv
echo "--- NFKC: full-width and ligature forms"
printf '\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3 \xef\xac\x81le\nABC file\nabc file\n' > nf.txt
bitmill-dedup -q --normalize nfkc nf.txt
echo "--- nfkc-casefold"
bitmill-dedup -q --normalize nfkc-casefold nf.txt
echo "--- --key tgt on a line without a tab"
printf 'a\tb\nno tab\n' > short.tsv
bitmill-dedup --key tgt short.tsv -o out.tsv
echo "exit=$? output_exists=$([ -e out.tsv ] && echo yes || echo no)"
