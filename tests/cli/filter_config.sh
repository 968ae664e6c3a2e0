# bitmill-filter --explain prints the effective rules as YAML that --config reads back.
echo "--- bitext defaults"
bitmill-filter --explain
echo "--- with a config file and --set on top"
printf 'rules:\n  numbers: off\n  length-ratio: {max: 3}\n  lang-id:\n    min-prob.de: 0.1\n' > my.yaml
bitmill-filter --explain --config my.yaml --set length-ratio.max=4 > explained.yaml
grep -E '^  (numbers|length-ratio):|    max: |min-prob' explained.yaml
echo "--- reads back to the same"
bitmill-filter --explain --config explained.yaml | cmp - explained.yaml && echo same
echo "--- mono defaults"
bitmill-filter --mono --explain
echo "--- mono reads back to the same"
bitmill-filter --mono --explain > mono.yaml
bitmill-filter --mono --explain --config mono.yaml | cmp - mono.yaml && echo same
echo "--- every rule is in the man page"
for m in "" --mono; do
  bitmill-filter $m --explain | grep -E '^  [a-z0-9-]+:' | sed 's/^  //; s/:.*//' | while read -r rule; do
    grep -q "\`$rule\`" "$CASES/../../man/bitmill-filter.1.md" || echo "missing from man/bitmill-filter.1.md: $rule"
  done
done
echo done
