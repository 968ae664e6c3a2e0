// bitmill-filter: rule- and model-based filtering of bitext and web text (planned).
#include "bitmill/cli/common.h"

int main(int argc, char** argv) {
  return bitmill::cli::run_planned_tool(
      argc, argv, "bitmill-filter",
      "Filter bitext (TSV) and monolingual web shards, with language ID and a reason for every rejection.",
      "  bitmill-filter --src-lang L1 --tgt-lang L2 [--rejected FILE] [--model DIR --min-score X]\n"
      "                 [--src-col N] [--tgt-col N] [--annotate] [--all-reasons] [--config FILE]\n"
      "                 [--explain] [--stats FILE] [-o OUT] [INPUT...]\n"
      "  bitmill-filter --mono [--text-field NAME] ...   FineWeb/Gopher/C4-style document rules\n"
      "  --src-lang, --tgt-lang   ISO 639-1 or 639-3 codes\n"
      "  --rejected FILE    rejected rows with the rule that failed\n"
      "  --model DIR --min-score X   semantic score of each pair with the bitmill encoder\n");
}
