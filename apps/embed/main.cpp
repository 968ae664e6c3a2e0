// bitmill-embed: sentence embeddings on multicore CPU (planned).
#include "bitmill/cli/common.h"

int main(int argc, char** argv) {
  return bitmill::cli::run_planned_tool(
      argc, argv, "bitmill-embed", "Embed sentences with a multilingual encoder (BERT/XLM-R family or static models).",
      "  bitmill-embed --model DIR [--dtype f32|f16] [--format npy|raw] [--quantize none|int8]\n"
      "                [--threads N] [--batch-tokens N] [--max-length N] [--prefix STR] [--column K]\n"
      "                [--shard I/N] [-o OUT] [INPUT...]\n"
      "  --model DIR        Hugging Face / sentence-transformers directory (default: the bundled model)\n"
      "  --dtype f32|f16    output precision\n"
      "  --format npy|raw   .npy (default) or headerless rows\n"
      "  --quantize int8    int8 dynamic quantisation of the linear layers\n"
      "  --batch-tokens N   token budget per batch\n"
      "  --max-length N     truncate longer inputs\n"
      "  --prefix STR       prepend STR to every sentence (e.g. 'query: ')\n"
      "  --column K         embed TSV column K\n");
}
