# Bad input: a one-line error naming the file (and line), exit status 2, and no output file.
check() { echo "exit=$1 out_exists=$([ -e out.txt ] && echo yes || echo no) tmp_left=$(ls | grep -c '\.tmp\.')"; }
echo "--- missing file"
printf 'a\n' > a.txt
bitmill-dedup a.txt missing.txt -o out.txt; check $?
echo "--- truncated .zst"
seq 1 20000 | zstd -q -c > full.zst
head -c 3000 full.zst > cut.zst
bitmill-dedup cut.zst -o out.txt; check $?
echo "--- truncated .gz"
seq 1 20000 | gzip -c > full.gz
head -c 3000 full.gz > cut.gz
bitmill-dedup cut.gz -o out.txt; check $?
echo "--- not a gzip archive"
printf 'plain\n' > fake.gz
bitmill-dedup fake.gz -o out.txt; check $?
echo "--- invalid UTF-8 at line 3"
printf 'one\ntwo\nthr\xe9e\nfour\n' > latin1.txt
bitmill-dedup latin1.txt -o out.txt; check $?
echo "--- skip"
bitmill-dedup --invalid-utf8 skip latin1.txt; echo "exit=$?"
echo "--- replace"
bitmill-dedup -q --invalid-utf8 replace latin1.txt; echo "exit=$?"
echo "--- output directory missing"
bitmill-dedup a.txt -o no/such/dir/out.txt; echo "exit=$?"
echo "--- an input that is a directory"
mkdir d
bitmill-dedup d; echo "exit=$?"
