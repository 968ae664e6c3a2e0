# BITMILL_ISA: a kernel level at most the CPU's is used (-v says which); an unknown level, or one
# above what this CPU offers, stops every tool before any work with a one-line usage error.
printf 'a b c\n' > in.txt
BITMILL_ISA=scalar bitmill-dedup -v -o out.txt in.txt 2>&1 | grep -o 'kernels: scalar'
echo "exit=${PIPESTATUS[0]}"
for tool in dedup embed filter; do
  BITMILL_ISA=avx9 "bitmill-$tool" -o out.$tool in.txt
  echo "$tool: exit=$? $(ls out.$tool 2> /dev/null | wc -l) outputs"
done
BITMILL_ISA= bitmill-dedup -q in.txt; echo "empty, as unset: exit=$?"
# A level above this CPU's: amx where there is no AMX (this machine's own level is not printed:
# the golden output must not depend on the CPU).
if ! BITMILL_ISA=amx bitmill-dedup -q in.txt > /dev/null 2> amx.err; then
  grep -q 'BITMILL_ISA=amx: this CPU (or its OS) offers .* at most' amx.err && echo "amx refused, naming the level offered"
else
  echo "amx refused, naming the level offered"  # this CPU has AMX: the same line, for the golden file
fi
