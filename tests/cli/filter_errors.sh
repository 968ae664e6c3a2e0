# bitmill-filter: usage and data errors are one line naming the problem, with no output left behind.
printf 'Das ist ein Haus.\tThis is a house.\n' > in.tsv
run() {
  bitmill-filter "$@" -o out.tsv
  echo "exit=$? output_exists=$([ -e out.tsv ] && echo yes || echo no)"
  rm -f out.tsv
}
echo "--- unknown language"; run --src-lang xx --tgt-lang en in.tsv
echo "--- missing --tgt-lang"; run --src-lang de in.tsv
echo "--- same column"; run --src-lang de --tgt-lang en --src-col 2 --tgt-col 2 in.tsv
echo "--- --min-score without --model"; run --src-lang de --tgt-lang en --min-score 0.5 in.tsv
echo "--- --annotate with --rejected"; run --src-lang de --tgt-lang en --annotate --rejected r.tsv in.tsv
echo "--- missing input"; run --src-lang de --tgt-lang en in.tsv missing.tsv
echo "--- unknown rule in --set"; run --src-lang de --tgt-lang en --set nope.max=1 in.tsv
echo "--- bad value in --set"; run --src-lang de --tgt-lang en --set length-ratio.max=big in.tsv
echo "--- out-of-range value"; run --src-lang de --tgt-lang en --set length-ratio.max=0.5 in.tsv
echo "--- unknown rule in --disable"; run --src-lang de --tgt-lang en --disable nope in.tsv
printf 'rules:\n  length:\n    min-words: many\n' > bad.yaml
echo "--- bad --config"; run --src-lang de --tgt-lang en --config bad.yaml in.tsv
echo "--- missing --config"; run --src-lang de --tgt-lang en --config missing.yaml in.tsv
echo "--- corrupt fastText model"; head -c 1000 /dev/zero > bad.ftz; run --src-lang de --tgt-lang en --lid-model bad.ftz in.tsv
echo "--- missing fastText model"; run --src-lang de --tgt-lang en --lid-model missing.ftz in.tsv
echo "--- missing --model"; run --src-lang de --tgt-lang en --model missing-dir --min-score 0.5 in.tsv
printf '{"text": "fine"}\n{"text": broken\n' > bad.jsonl
echo "--- invalid JSONL line"; run --mono bad.jsonl
printf '{"body": "no text field"}\n' > nofield.jsonl
echo "--- JSONL without the text field"; run --mono nofield.jsonl
echo "--- --model with --mono"; run --mono --model x --min-score 1 bad.jsonl
echo "--- truncated .zst input"; seq 20000 | sed 's/.*/Das ist Haus &.\tThis is house &./' | zstd -q -c | head -c 3000 > cut.tsv.zst
run --src-lang de --tgt-lang en cut.tsv.zst
