# bitmill-filter --mono on JSONL web documents: FineWeb/Gopher/C4 rules, language ID fields, C4's
# line cleanup rewriting the text, other fields passed through, reasons, plain-text input.
good='The river runs through the old town and past the market square. People have lived on its banks for more than a thousand years, and the bridges that cross it are older than most of the houses. In the summer the water is low and children play on the stones. In the winter the river can rise quickly, and the town has built walls to keep the water out. Visitors come to see the bridges and to walk along the water in the evening.'
{
  printf '{"id": 1, "url": "https://example.org/river", "text": "%s"}\n' "$good"
  printf '{"id": 2, "text": "%s\\nPlease enable JavaScript to view the comments.\\nCookies help us. By using this site you agree that it uses cookies."}\n' "$good"
  printf '{"id": 3, "text": "Buy now! Buy now! Buy now!\\nBuy now! Buy now! Buy now!\\nBuy now! Buy now! Buy now!\\nBuy now! Buy now! Buy now!"}\n'
  printf '{"id": 4, "text": "%s Lorem ipsum dolor sit amet, consectetur adipiscing elit."}\n' "$good"
  printf '{"id": 5, "text": "Der Fluss fließt durch die Altstadt und am Marktplatz vorbei. Seit mehr als tausend Jahren leben Menschen an seinen Ufern, und die Brücken, die ihn überqueren, sind älter als die meisten Häuser. Im Sommer ist das Wasser niedrig und Kinder spielen auf den Steinen. Im Winter kann der Fluss schnell steigen, und die Stadt hat Mauern gebaut, um das Wasser fernzuhalten. Besucher kommen, um die Brücken zu sehen und abends am Wasser entlang zu gehen."}\n'
  printf '{"id": 6, "meta": {"source": "crawl", "tags": ["a", "b"]}, "text": "Too short."}\n'
} > docs.jsonl
echo "--- kept (language fields added; document 2 without its JavaScript and cookie lines)"
bitmill-filter -q --mono --rejected rejected.jsonl --stats stats.json docs.jsonl | sed 's/"text":"[^"]*"/"text":"…"/; s/"text": "[^"]*"/"text": "…"/'
echo "--- document 2's text now ends with"
bitmill-filter -q --mono docs.jsonl | grep '"id":2' | grep -o 'in the evening[^"]*"'
echo "--- rejected, first reason"
sed 's/"text": "[^"]*"/"text": "…"/' rejected.jsonl
echo "--- --lang en, all reasons, annotate"
bitmill-filter -q --mono --lang en --all-reasons --annotate docs.jsonl | sed 's/"id": /"id":/' | while read -r doc; do
  echo "$doc" | grep -o '"id":[0-9]*\|"filter_reason":"[^"]*"\|"language":"[a-z]*"' | paste -sd' '
done
echo "--- stats"
cat stats.json
echo "--- plain lines: one document per line, reason in an added column"
printf '%s\n' "$good" 'Buy now! Buy now! Buy now!' > docs.txt
bitmill-filter -q --mono --rejected - -o kept.txt docs.txt | cut -f 2
wc -l < kept.txt
echo "--- --text-field"
printf '{"body": "%s"}\n' "$good" > body.jsonl
bitmill-filter -q --mono --text-field body body.jsonl | grep -o '"language":"en"'
