#include "bitmill/mine/job.h"

#include <fmt/format.h>

namespace bitmill::mine {

Expected<JobSide> load_side_text(const std::string& path, bool unify, InvalidUtf8Policy utf8) {
  JobSide s;
  BITMILL_ASSIGN_OR_RETURN(s.text, Sentences::load(path, utf8));
  if (unify) s.rows = s.text.first_occurrences();
  return s;
}

Status open_side_embeddings(JobSide& side, const std::string& emb_path, const EmbeddingOpener& open) {
  BITMILL_ASSIGN_OR_RETURN(side.emb, open(emb_path));
  if (side.emb->rows() != side.text.size()) {
    return data_error(fmt::format("{} has {} rows but {} has {} lines: one embedding per line is needed", emb_path,
                                  side.emb->rows(), side.text.path(), side.text.size()));
  }
  return Status::ok();
}

namespace {

Expected<JobSide> load_side(const std::string& text, const std::string& emb, bool unify, InvalidUtf8Policy utf8,
                            const EmbeddingOpener& open, const char* what) {
  if (text.empty() || emb.empty()) {
    return invalid_argument(fmt::format("--{} and --{}-emb are required", what, what));
  }
  BITMILL_ASSIGN_OR_RETURN(JobSide s, load_side_text(text, unify, utf8));
  BITMILL_RETURN_IF_ERROR(open_side_embeddings(s, emb, open));
  return s;
}

}  // namespace

Expected<Job> load_job(const JobFiles& files, bool unify, InvalidUtf8Policy utf8, const EmbeddingOpener& open) {
  Job j;
  BITMILL_ASSIGN_OR_RETURN(j.src, load_side(files.src, files.src_emb, unify, utf8, open, "src"));
  BITMILL_ASSIGN_OR_RETURN(j.tgt, load_side(files.tgt, files.tgt_emb, unify, utf8, open, "tgt"));
  if (j.src.emb->dim() != j.tgt.emb->dim()) {
    return data_error(fmt::format("{} has dimension {} but {} has {}", files.src_emb, j.src.emb->dim(), files.tgt_emb,
                                  j.tgt.emb->dim()));
  }
  return j;
}

Expected<Job> load_merge_job(const JobFiles& files, bool unify, InvalidUtf8Policy utf8, const EmbeddingOpener& open) {
  Job j;
  BITMILL_ASSIGN_OR_RETURN(j.src, load_side_text(files.src, unify, utf8));
  BITMILL_ASSIGN_OR_RETURN(j.tgt, load_side_text(files.tgt, unify, utf8));
  if (!files.src_emb.empty()) BITMILL_RETURN_IF_ERROR(open_side_embeddings(j.src, files.src_emb, open));
  if (!files.tgt_emb.empty()) BITMILL_RETURN_IF_ERROR(open_side_embeddings(j.tgt, files.tgt_emb, open));
  return j;
}

Status check_aligned(const Job& job) {
  const Sentences &s = job.src.text, &t = job.tgt.text;
  if (s.size() == t.size()) return Status::ok();
  return data_error(fmt::format("score: {} has {} lines but {} has {}: line i of each is scored as a pair", s.path(),
                                s.size(), t.path(), t.size()));
}

}  // namespace bitmill::mine
