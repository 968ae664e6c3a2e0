# bitmill-filter on TSV bitext: one row for each rule, the reasons, the outputs, --stats, columns.
# Language ID is fastText's lid.176.ftz (installed by scripts/install-deps.sh).
{
  printf 'Das ist ein schönes Haus.\tThis is a beautiful house.\tclean\n'
  printf 'Wo ist der Bahnhof?\tWhere is the train station?\tclean\n'
  printf 'Ich habe 3 Katzen und 12 Hunde.\tI have 3 cats and 12 dogs.\tclean\n'
  printf '\tThis side has no partner.\tempty\n'
  printf 'Das ist ein schönes Haus.\tDas ist ein schönes Haus.\tcopy\n'
  printf 'This is a beautiful house.\tDas ist ein schönes Haus.\tswap\n'
  printf 'Ich wohne seit vielen Jahren in dieser kleinen Stadt am Fluss.\tI have lived\ttruncate\n'
  printf 'Ich habe 3 Katzen.\tI have 4 cats.\tnumbers\n'
  printf 'Mehr unter www.example.org.\tMore at www.example.com.\turl\n'
  printf 'Das ist sch\xc3\x83\xc2\xb6n und gr\xc3\x83\xc2\xb6\xc3\x83\xc5\xb8er.\tThis is nice and bigger.\tmojibake\n'
  printf 'Das ist ein Haus\x01.\tThis is a house.\tcontrol\n'
  printf 'Bitte bitte bitte bitte hilf mir.\tPlease please please please help me.\trepeat\n'
  printf 'Kommst du morgen?\tYou are coming tomorrow.\tterminal\n'
  printf 'Это мой дом.\tThis is my house.\twrong-lang\n'
  printf '12345 67890 +++ ###\t12345 67890 +++ ###\tsymbols\n'
  printf 'Das ist \xff kaputt.\tThis is broken.\tutf8\n'
  printf 'only one column\n'
} > in.tsv
echo "--- kept"
bitmill-filter -q --src-lang de --tgt-lang en --rejected rej.tsv --stats stats.json in.tsv
echo "--- rejected (first reason)"
cat rej.tsv
echo "--- stats"
cat stats.json
echo "--- --all-reasons, ISO 639-3 codes, stdin"
bitmill-filter -q --src-lang deu --tgt-lang eng --all-reasons --rejected - -o /dev/null < in.tsv
echo "--- --annotate"
bitmill-filter -q --src-lang deu --tgt-lang eng --annotate in.tsv | cut -f 3-
echo "--- --disable numbers,urls --set length-ratio.max=10"
bitmill-filter -q --src-lang de --tgt-lang en --disable numbers,urls --set length-ratio.max=10 in.tsv | cut -f 3
echo "--- columns: --src-col 2 --tgt-col 1 on swapped columns"
awk -F'\t' 'BEGIN{OFS="\t"} NF>=2 {print $2, $1, $3}' in.tsv > swapped.tsv
bitmill-filter -q --src-lang de --tgt-lang en --src-col 2 --tgt-col 1 swapped.tsv | cut -f 3
echo "--- summary on stderr"
bitmill-filter --src-lang de --tgt-lang en in.tsv -o kept.tsv
echo "exit=$?"
echo "--- a language outside the table: a warning, its side skips script and lang-id"
printf 'Azul fell-awen.\tHello everyone.\nAzul fell-awen.\tHallo zusammen, wie geht es euch allen heute?\n' | bitmill-filter --src-lang kab --tgt-lang eng --all-reasons --annotate
echo "--- --annotate-numbers: what the numbers rule compared (last column)"
{
  printf 'Geboren 1973 in Rom.\tBorn in 6973 in Rome.\n'
  printf 'Es fielen bis zu 25 cm Regen.\tUp to 10 inches of rain fell.\n'
  printf 'Mehr als 380 Tausend Menschen.\tMore than 380,000 people.\n'
  printf 'In den 30er Jahren.\tIn the 1930s.\n'
  printf 'Ich habe 3 Katzen.\tI have 3 cats.\n'
} | bitmill-filter -q --src-lang deu --tgt-lang eng --annotate-numbers | cut -f 3-
echo "--- --annotate-numbers refuses --rejected and --mono"
bitmill-filter -q --src-lang deu --tgt-lang eng --annotate-numbers --rejected r.tsv in.tsv
echo "exit=$?"
bitmill-filter -q --mono --annotate-numbers in.tsv
echo "exit=$?"
