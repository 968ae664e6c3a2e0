# scripts/train/zawgyi_copies.py: Burmese pairs copied with their Burmese side in Zawgyi. Checked
# against ICU itself rather than stored output: each copy's Burmese side, converted back with
# ICU's Zawgyi-my transliterator, is the original sentence; the other side is unchanged, on
# either side of the file name; pairs the transliteration leaves alone (no Burmese letters) and
# files without Burmese are not copied; and without uconv on PATH the error names its package.
set -e
py=/usr/bin/python3
train=$CASES/../../scripts/train
mkdir pairs
printf '%s\t%s\n' 'Hello.' 'မင်္ဂလာပါ' 'Thank you.' 'ကျေးဇူးတင်ပါတယ်' 'I will go to school.' \
  'ကျွန်တော် ကျောင်းသွားမယ်' 'Version 2.0' 'Version 2.0' | zstd -q -o pairs/eng-mya.tsv.zst
printf '%s\t%s\n' 'ရေ' 'water' 'မြန်မာ' 'Myanmar' | zstd -q -o pairs/mya-zzz.tsv.zst
printf '%s\t%s\n' 'Hallo.' 'Hello.' | zstd -q -o pairs/deu-eng.tsv.zst
$py "$train/zawgyi_copies.py" pairs zaw 2> log || { cat log; exit 1; }
sed 's/^zawgyi_copies: //' log
ls zaw
for f in eng-mya:2 mya-zzz:1; do
  name=${f%:*} col=${f#*:}
  zstd -dcq "zaw/$name.tsv.zst" | cut -f"$col" | uconv -x Zawgyi-my > back.txt
  zstd -dcq "pairs/$name.tsv.zst" | grep -v '^Version' | cut -f"$col" > orig.txt
  cmp -s back.txt orig.txt && echo "$name: every copy converts back to its original"
  other=$((3 - col))
  cmp -s <(zstd -dcq "zaw/$name.tsv.zst" | cut -f"$other") <(zstd -dcq "pairs/$name.tsv.zst" | grep -v '^Version' | cut -f"$other") &&
    echo "$name: the other side unchanged"
  cmp -s <(zstd -dcq "zaw/$name.tsv.zst" | cut -f"$col") orig.txt || echo "$name: the copies differ from the originals"
done
set +e
PATH=/nonexistent $py "$train/zawgyi_copies.py" pairs zaw2 2>&1 | sed 's/^zawgyi_copies: error: //'
