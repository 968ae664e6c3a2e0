// bitmill-index: FAISS indexes over embeddings (planned).
#include "bitmill/cli/common.h"

int main(int argc, char** argv) {
  return bitmill::cli::run_planned_tool(
      argc, argv, "bitmill-index", "Build FAISS indexes from embeddings, sharded and trained on samples.",
      "  bitmill-index [--factory STR] [--train-size N] [--shard I/N] [--check-recall] -o INDEX EMB...\n"
      "  bitmill-index merge -o INDEX SHARD_INDEX...\n"
      "  --factory STR      FAISS factory string (Flat, IVF4096,Flat, OPQ64,IVF65536,PQ64, HNSW32, ...);\n"
      "                     default chosen by the number of vectors\n"
      "  --train-size N     vectors sampled for training\n"
      "  --nprobe N, --ef-search N   search-time parameters stored with the index\n"
      "  --check-recall     report recall@k against exact search on a sample\n");
}
