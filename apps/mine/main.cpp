// bitmill-mine: margin-based parallel sentence mining (planned).
#include "bitmill/cli/common.h"

int main(int argc, char** argv) {
  return bitmill::cli::run_planned_tool(
      argc, argv, "bitmill-mine", "Mine parallel sentences with margin scoring (Artetxe & Schwenk 2019).",
      "  bitmill-mine --src SRC.txt --tgt TGT.txt --src-emb SRC.npy --tgt-emb TGT.npy [-k 4]\n"
      "               [--margin ratio|distance|absolute] [--retrieval max|fwd|bwd|intersect]\n"
      "               [--threshold T] [--ids] [--unify] [--shard I/N] [-o OUT.tsv]\n"
      "  bitmill-mine score ...   margin scores of given pairs\n"
      "  -k N               neighbours in each direction (default 4)\n"
      "  --margin M         ratio (default), distance or absolute\n"
      "  --retrieval R      max (default), fwd, bwd or intersect\n"
      "  --threshold T      minimum score, applied in every mode\n"
      "  --ids              add 0-based source and target line numbers to each row\n");
}
