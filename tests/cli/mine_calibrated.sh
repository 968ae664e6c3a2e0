# bitmill-mine's default threshold: the calibrated one of the model directory (bitmill.json) when
# --threshold is not given and the run mines under the setting it was calibrated for; otherwise
# every pair, and stderr says why. Reference: the same run with an explicit --threshold, and the
# unthresholded output filtered by awk.
py=/usr/bin/python3
$py - <<'PY'
import numpy as np
rng = np.random.default_rng(7)
# 40 source rows, 50 target rows: 30 noisy translations of each other, the rest unrelated.
base = rng.standard_normal((60, 8)).astype("f4")
src = np.concatenate([base[:30] + 0.35 * rng.standard_normal((30, 8)), base[30:40]]).astype("f4")
tgt = np.concatenate([base[:30] + 0.35 * rng.standard_normal((30, 8)), base[40:60]]).astype("f4")
np.save("s.npy", src)
np.save("t.npy", tgt)
np.save("s16.npy", np.pad(src, ((0, 0), (0, 8))))
np.save("t16.npy", np.pad(tgt, ((0, 0), (0, 8))))
open("s.txt", "w").write("".join(f"s{i}\n" for i in range(40)))
open("t.txt", "w").write("".join(f"t{i}\n" for i in range(50)))
PY
mkdir m bad
printf '{"mining": {"margin": "ratio", "k": 4, "retrieval": "max", "threshold": 1.2, "dim": 8, "calibrated_on": "test"}}\n' > m/bitmill.json
io="--src s.txt --tgt t.txt --src-emb s.npy --tgt-emb t.npy --ids"
check() { echo "exit=$1 out_exists=$([ -e out.tsv ] && echo yes || echo no) tmp_left=$(ls | grep -c '\.tmp\.')"; }

echo "--- no --threshold: the model's 1.2, the same rows as --threshold 1.2 and as awk over all pairs"
bitmill-mine --model m $io -o dflt.tsv
bitmill-mine -q --model m $io --threshold 1.2 -o given.tsv
bitmill-mine -q --model m $io --threshold none -o all.tsv
awk -F'\t' '$1 > 1.2' all.tsv > ref.tsv
cmp dflt.tsv given.tsv && cmp dflt.tsv ref.tsv && echo "same rows: $(wc -l < dflt.tsv) of $(wc -l < all.tsv)"
[ "$(wc -l < dflt.tsv)" -lt "$(wc -l < all.tsv)" ] && echo "the threshold dropped pairs"
echo "--- BITMILL_MODEL names the model when --model does not"
BITMILL_MODEL=m bitmill-mine -q $io -o env.tsv; cmp env.tsv dflt.tsv && echo "same as --model m"
echo "--- --src-lang/--tgt-lang: the language pair's own threshold (1.5 for deu-eng), else the model's 1.2"
mkdir mp
printf '{"mining": {"k": 4, "threshold": 1.2, "dim": 8, "pair_thresholds": {"deu-eng": 1.5, "eng-pan": 0.9}}}\n' > mp/bitmill.json
bitmill-mine --model mp $io --src-lang deu --tgt-lang eng -o deu.tsv
awk -F'\t' '$1 > 1.5' all.tsv > ref15.tsv
cmp deu.tsv ref15.tsv && echo "deu-eng: $(wc -l < deu.tsv) rows, as awk '\$1 > 1.5'"
bitmill-mine -q --model mp $io --src-lang ENG --tgt-lang Deu -o eng.tsv; cmp eng.tsv deu.tsv && echo "eng-deu, any case: the same"
bitmill-mine --model mp $io --src-lang fra --tgt-lang eng -o fra.tsv; cmp fra.tsv dflt.tsv && echo "fra-eng: the default 1.2"
bitmill-mine -q --model mp $io -o none.tsv; cmp none.tsv dflt.tsv && echo "no languages: the default 1.2"
bitmill-mine -q --model mp $io --src-lang deu --tgt-lang eng --threshold none -o given.tsv
cmp given.tsv all.tsv && echo "--threshold none still wins"
echo "--- another setting, other embeddings, or no calibration: every pair"
bitmill-mine --model m $io -k 3 -o k3.tsv
bitmill-mine -q --model m $io -k 3 --threshold none -o k3all.tsv; cmp k3.tsv k3all.tsv && echo "k = 3: all pairs"
bitmill-mine --model m $io --retrieval intersect -o inter.tsv
bitmill-mine --model m --src s.txt --tgt t.txt --src-emb s16.npy --tgt-emb t16.npy --ids -o d16.tsv
bitmill-mine -q --model m --src s.txt --tgt t.txt --src-emb s16.npy --tgt-emb t16.npy --ids --threshold none -o d16all.tsv
cmp d16.tsv d16all.tsv && echo "dimension 16: all pairs"
bitmill-mine --model bad $io -o nocal.tsv; cmp nocal.tsv all.tsv && echo "no bitmill.json: all pairs"
echo "--- the sharded path applies it in merge"
mkdir w
bitmill-mine --model m --src s.txt --tgt t.txt --src-emb s.npy --tgt-emb t.npy --work w --shard 0/2; echo "exit=$?"
bitmill-mine -q --src s.txt --tgt t.txt --src-emb s.npy --tgt-emb t.npy --work w --shard 0/2
bitmill-mine -q --src s.txt --tgt t.txt --src-emb s.npy --tgt-emb t.npy --work w --shard 1/2
bitmill-mine merge --model m --work w --src s.txt --tgt t.txt --ids -o merged.tsv; cmp merged.tsv dflt.tsv && echo "merge: same rows"
bitmill-mine merge -q --model mp --work w --src s.txt --tgt t.txt --ids --src-lang deu --tgt-lang eng -o merged.tsv
cmp merged.tsv deu.tsv && echo "merge with the languages: the pair's rows"
bitmill-mine -q --src s.txt --tgt t.txt --src-emb s.npy --tgt-emb t.npy --work w --shard 0/2 --src-lang deu --tgt-lang eng
echo "exit=$?"
echo "--- score keeps every pair unless told"
bitmill-mine score -q --src s.txt --tgt s.txt --src-emb s.npy --tgt-emb s.npy -o score.tsv; wc -l < score.tsv
bitmill-mine score --model m --src s.txt --tgt s.txt --src-emb s.npy --tgt-emb s.npy -o out.tsv; check $?
echo "--- errors: a malformed bitmill.json, a missing model directory, a bad --threshold"
printf '{"mining": {"k": 4, "threshold": "high", "dim": 8}}\n' > bad/bitmill.json
bitmill-mine --model bad $io -o out.tsv; check $?
bitmill-mine --model nowhere $io -o out.tsv; check $?
bitmill-mine --model m $io --threshold high -o out.tsv; check $?
bitmill-mine --model m $io --threshold nan -o out.tsv; check $?
echo "--- errors: one language without the other, a code that is not ISO 639-3, a malformed pair key"
bitmill-mine --model mp $io --src-lang deu -o out.tsv; check $?
bitmill-mine --model mp $io --src-lang de --tgt-lang en -o out.tsv; check $?
printf '{"mining": {"k": 4, "threshold": 1.2, "dim": 8, "pair_thresholds": {"eng-deu": 1.5}}}\n' > bad/bitmill.json
bitmill-mine --model bad $io -o out.tsv; check $?
