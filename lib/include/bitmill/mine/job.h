// One job of bitmill-mine: two sides, each the sentences of a text file, their embedding matrix
// (row i embeds line i) and, with --unify, the rows mined (LASER's --unify: each distinct sentence
// once, through the row of its first occurrence).
//
// Positions. The search runs over a side's RowSet: every line, or the first occurrences only;
// neighbour lists and mined pairs hold positions in it, which line_of() maps back to lines.
//
// Loading (load_job) checks what a job needs, in this order, and names the files in its errors:
//   "--src and --src-emb are required" (invalid argument; the tool's option names)
//   the errors of Sentences::load (the source side first)
//   the errors of the embedding opener, which the tool supplies (its --dim / --emb-dtype rules)
//   "E has R rows but T has L lines: one embedding per line is needed" (data error)
//   "S.npy has dimension 32 but T.npy has 64" (data error)
// load_merge_job() loads the sentences, then the embeddings given, with the same errors.
// check_aligned() is score mode's check that line i of each side makes a pair.
//
// Thread safety: a loaded job is immutable; read it from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/io/embeddings.h"
#include "bitmill/mine/knn.h"
#include "bitmill/mine/sentences.h"
#include "bitmill/text/utf8.h"

namespace bitmill::mine {

struct JobSide {
  Sentences text;
  std::optional<EmbeddingMatrix> emb;  // none: not opened (a merge given no embeddings)
  std::vector<int64_t> rows;           // line numbers of the mined rows; empty = every line

  // The rows searched; requires emb.
  RowSet set() const { return RowSet{&*emb, rows.empty() ? nullptr : &rows}; }
  size_t positions() const { return rows.empty() ? text.size() : rows.size(); }
  size_t line_of(int64_t position) const {
    return rows.empty() ? static_cast<size_t>(position) : static_cast<size_t>(rows[position]);
  }
};

struct Job {
  JobSide src, tgt;
};

struct JobFiles {
  std::string src, tgt;          // sentences
  std::string src_emb, tgt_emb;  // embeddings
};

// Opens an embedding file; errors name it.
using EmbeddingOpener = std::function<Expected<EmbeddingMatrix>(const std::string& path)>;

// The sentences of `path`; with `unify`, the rows mined are their first occurrences.
Expected<JobSide> load_side_text(const std::string& path, bool unify, InvalidUtf8Policy utf8);

// Opens `emb_path` as `side`'s embeddings, one row per line of its text.
Status open_side_embeddings(JobSide& side, const std::string& emb_path, const EmbeddingOpener& open);

Expected<Job> load_job(const JobFiles& files, bool unify, InvalidUtf8Policy utf8, const EmbeddingOpener& open);

// A job as a merge of shards sees it: both sides' sentences (required), then the embeddings of the
// sides whose file is given (an empty path: none, and the side's `emb` stays empty).
Expected<Job> load_merge_job(const JobFiles& files, bool unify, InvalidUtf8Policy utf8, const EmbeddingOpener& open);

// Error unless both sides have as many lines: "score: S has N lines but T has M: line i of each is
// scored as a pair" (data error).
Status check_aligned(const Job& job);

}  // namespace bitmill::mine
