// bitmill-embed: sentence embeddings with a multilingual encoder, on every core.
#include <CLI/CLI.hpp>

#include <cstdlib>

#include "bitmill/base/log.h"
#include "bitmill/base/progress.h"
#include "bitmill/base/summary.h"
#include "bitmill/cli/checks.h"
#include "bitmill/cli/common.h"
#include "bitmill/cli/tool.h"
#include "bitmill/encoder/embed_run.h"
#include "bitmill/encoder/model_location.h"
#include "bitmill/encoder/sentence_encoder.h"
#include "bitmill/io/embeddings_concat.h"
#include "bitmill/io/input_set.h"
#include "bitmill/io/output_stream.h"
#include "bitmill/kernels/kernels.h"

namespace {

using namespace bitmill;

struct Options {
  cli::CommonOptions common;
  std::vector<std::string> inputs;
  std::string output = "-";
  std::string model;
  std::string dtype = "f32";
  std::string format;  // default: by extension (.npy -> npy, else raw); npy for stdout
  std::string quantize = "none";
  size_t batch_tokens = 8192;
  size_t max_length = 0;
  std::string prefix;
  size_t column = 0;
};

Status run(const Options& o, Log& log) {
  BITMILL_ASSIGN_OR_RETURN(const std::string model,
                           encoder::find_model_dir(o.model, [](const char* name) { return std::getenv(name); }));
  encoder::EmbedOptions eo;
  eo.prefix = o.prefix;
  eo.column = o.column;
  eo.batch_tokens = o.batch_tokens;
  eo.dtype = o.dtype == "f16" ? VecType::kF16 : VecType::kF32;
  const std::string format = o.format.empty() ? encoder::default_output_format(o.output) : o.format;
  eo.format = format == "npy" ? encoder::OutputFormat::kNpy : encoder::OutputFormat::kRaw;
  eo.threads = cli::thread_count(o.common);
  eo.tmp_dir = o.common.tmp_dir;

  BITMILL_ASSIGN_OR_RETURN(InputSetOptions io, cli::input_set_options(o.common));
  BITMILL_ASSIGN_OR_RETURN(auto inputs, InputSet::open(o.inputs, io));
  const encoder::Quantize quantize = o.quantize == "int8"   ? encoder::Quantize::kInt8
                                     : o.quantize == "bf16" ? encoder::Quantize::kBf16
                                                            : encoder::Quantize::kNone;
  BITMILL_ASSIGN_OR_RETURN(auto enc, encoder::SentenceEncoder::load(model, o.max_length, quantize));
  const bool bf16_hw = kernels::bf16_native(kernels::active_isa());
  log.debug("model {}: dimension {}, max length {} tokens, kernels {}, linear layers {}", model, enc->dim(),
            enc->max_length(), kernels::isa_name(kernels::active_isa()),
            o.quantize == "none"   ? "f32"
            : o.quantize != "bf16" ? o.quantize
            : bf16_hw              ? "bf16 (AVX512-BF16)"
                                   : "bf16 (rounded, f32 products: this CPU lacks AVX512-BF16)");
  BITMILL_ASSIGN_OR_RETURN(auto out, OutputStream::open(o.output));

  Progress progress(log, inputs->raw_bytes_total(), "sentences");
  BITMILL_ASSIGN_OR_RETURN(encoder::EmbedStats st, encoder::run_embed(*inputs, *enc, *out, eo, &progress));
  progress.finish();
  BITMILL_RETURN_IF_ERROR(commit_all({out.get()}));
  const double secs = progress.elapsed_seconds();
  log.info("{} embedded, dimension {}, {} {}, {:.1f} sentences/s{}", Progress::format_count(st.sentences, "sentence"),
           st.dim, format, o.dtype, per_second(st.sentences, secs), time_rate_suffix(secs, inputs->raw_bytes_read()));
  if (st.empty > 0) log.info("{} embedded as the empty string", Progress::format_count(st.empty, "empty line"));
  return Status::ok();
}

// bitmill-embed merge: the shards' rows, in order, as one matrix.
Status run_merge(const Options& o, Log& log) {
  if (o.output == "-") return invalid_argument("merge writes a file: give -o OUT.npy");
  BITMILL_ASSIGN_OR_RETURN(auto out, OutputStream::open(o.output));
  BITMILL_ASSIGN_OR_RETURN(ConcatStats st, concat_embeddings(o.inputs, *out));
  BITMILL_RETURN_IF_ERROR(commit_all({out.get()}));
  log.info("{} of dimension {} from {} to {}", Progress::format_count(st.rows, "row"), st.dim,
           Progress::format_count(o.inputs.size(), "file"), o.output);
  return Status::ok();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  cli::Tool tool("bitmill-embed",
                 "Embed each input line with a multilingual sentence encoder (BERT / XLM-R family, loaded from a\n"
                 "Hugging Face / sentence-transformers directory). Row i of the output is line i of the input.",
                 o.common);
  CLI::App& app = tool.app;
  tool.add_inputs(o.inputs);
  app.add_option("-o,--output", o.output, "Embeddings (default: stdout, as .npy)")->type_name("OUT");
  app.add_option("--model", o.model,
                 "Model directory (config.json, model.safetensors, tokenizer files); default: $BITMILL_MODEL, else "
                 "the bundled default model")
      ->type_name("DIR")
      ->group("Model");
  cli::one_of(app.add_option("--dtype", o.dtype, "Precision of the output rows"), {"f32", "f16"})
      ->default_val("f32")
      ->group("Output");
  cli::one_of(
      app.add_option("--format", o.format, "npy (header + rows) or raw rows (default: npy for .npy and stdout)"),
      {"npy", "raw"})
      ->group("Output");
  cli::one_of(
      app.add_option("--quantize", o.quantize,
                     "int8: the encoder's linear layers as int8 products, quantised per row; bf16: as bf16 products "
                     "summed in f32"),
      {"none", "int8", "bf16"})
      ->default_val("none")
      ->group("Model");
  app.add_option("--batch-tokens", o.batch_tokens, "Token budget of one batch")
      ->type_name("N")
      ->default_val(8192)
      ->check(cli::count_in(1, cli::kMaxCount))
      ->group("Performance");
  app.add_option("--max-length", o.max_length, "Truncate inputs to N tokens (default: the model's max_seq_length)")
      ->type_name("N")
      ->check(cli::count_in(1, cli::kMaxCount))
      ->group("Model");
  app.add_option("--prefix", o.prefix, "Prepend STR to every line (e.g. 'query: ' for e5 models)")
      ->type_name("STR")
      ->group("Input");
  app.add_option("--column", o.column, "Embed tab-separated column K (1-based) instead of the whole line")
      ->type_name("K")
      ->check(cli::count_in(1, cli::kMaxCount))
      ->group("Input");
  tool.add_shared(app, cli::kUtf8 | cli::kShard);
  app.add_option("--tmp-dir", o.common.tmp_dir, "Spool directory for .npy written to a stream (default: $TMPDIR)")
      ->type_name("DIR")
      ->group("Performance");
  tool.add_shared(app, cli::kThreads | cli::kLogging);

  CLI::App* merge = app.add_subcommand(
      "merge", "Concatenate the .npy files of an array job's pieces of one text (in the order given) into one");
  merge->add_option("shards", o.inputs, "Embedding files, in row order")->type_name("SHARD.npy...")->required();
  merge->add_option("-o,--output", o.output, "The whole matrix")->type_name("OUT.npy")->required();
  tool.add_shared(*merge, cli::kLogging);
  app.require_subcommand(0, 1);
  return tool.run(argc, argv, [&] { return merge->parsed() ? run_merge(o, tool.log) : run(o, tool.log); });
}
