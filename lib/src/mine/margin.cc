#include "bitmill/mine/margin.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "bitmill/base/progress.h"

namespace bitmill::mine {
namespace {

struct Candidate {
  float score;
  int64_t other;
};

// For every row of `lists`, the neighbour with the best score (the first on ties).
std::vector<Candidate> best_candidates(const Neighbors& lists, const Neighbors& other, Margin m) {
  std::vector<Candidate> best(lists.rows, Candidate{-std::numeric_limits<float>::infinity(), -1});
  for (size_t i = 0; i < lists.rows; ++i) {
    const float mi = lists.mean(i);
    for (size_t t = 0; t < lists.k; ++t) {
      const int64_t j = lists.idx_row(i)[t];
      const float s = margin_score(m, lists.sim_row(i)[t], mi, other.mean(static_cast<size_t>(j)));
      if (best[i].other < 0 || s > best[i].score) best[i] = Candidate{s, j};
    }
  }
  return best;
}

}  // namespace

Expected<Margin> parse_margin(const std::string& s) {
  if (s == "ratio") return Margin::kRatio;
  if (s == "distance") return Margin::kDistance;
  if (s == "absolute") return Margin::kAbsolute;
  return invalid_argument("--margin: " + s + " not in {ratio,distance,absolute}");
}

Expected<Retrieval> parse_retrieval(const std::string& s) {
  if (s == "max") return Retrieval::kMax;
  if (s == "fwd") return Retrieval::kFwd;
  if (s == "bwd") return Retrieval::kBwd;
  if (s == "intersect") return Retrieval::kIntersect;
  return invalid_argument("--retrieval: " + s + " not in {max,fwd,bwd,intersect}");
}

float apply_margin(Margin m, float a, float b) {
  switch (m) {
    case Margin::kAbsolute: return a;
    case Margin::kDistance: return a - b;
    case Margin::kRatio: return a / b;
  }
  return a;
}

float margin_score(Margin m, float sim, float fwd_mean, float bwd_mean) {
  return apply_margin(m, sim, (fwd_mean + bwd_mean) / 2.0f);
}

void sort_pairs(std::vector<ScoredPair>& pairs) {
  std::sort(pairs.begin(), pairs.end(), [](const ScoredPair& a, const ScoredPair& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.src != b.src) return a.src < b.src;
    return a.tgt < b.tgt;
  });
}

Expected<MineOptions> parse_mine_options(const std::string& margin, const std::string& retrieval,
                                         std::optional<float> threshold) {
  MineOptions mo;
  BITMILL_ASSIGN_OR_RETURN(mo.margin, parse_margin(margin));
  BITMILL_ASSIGN_OR_RETURN(mo.retrieval, parse_retrieval(retrieval));
  mo.threshold = threshold;
  return mo;
}

std::string mining_summary(bool score_mode, size_t written, size_t nx, size_t ny, size_t k, const std::string& margin,
                           const std::string& retrieval, std::optional<float> threshold) {
  return fmt::format("{}: {} pairs from {} x {} sentences (k = {}, {} margin{}{})", score_mode ? "scored" : "mined",
                     Progress::format_count(written), Progress::format_count(nx), Progress::format_count(ny), k, margin,
                     score_mode ? "" : ", " + retrieval + " retrieval",
                     threshold ? fmt::format(", score > {}", *threshold) : "");
}

std::vector<ScoredPair> mine_pairs(const Neighbors& fwd, const Neighbors& bwd, const MineOptions& o) {
  std::vector<ScoredPair> out;
  if (fwd.k == 0 || bwd.k == 0) return out;
  const std::vector<Candidate> fb = best_candidates(fwd, bwd, o.margin);
  const std::vector<Candidate> bb = best_candidates(bwd, fwd, o.margin);
  auto keep = [&](float s) { return !o.threshold.has_value() || s > *o.threshold; };
  switch (o.retrieval) {
    case Retrieval::kFwd:
      for (size_t i = 0; i < fb.size(); ++i) {
        if (keep(fb[i].score)) out.push_back({fb[i].score, static_cast<int64_t>(i), fb[i].other});
      }
      break;
    case Retrieval::kBwd:
      for (size_t j = 0; j < bb.size(); ++j) {
        if (keep(bb[j].score)) out.push_back({bb[j].score, bb[j].other, static_cast<int64_t>(j)});
      }
      break;
    case Retrieval::kIntersect:
      for (size_t i = 0; i < fb.size(); ++i) {
        if (bb[static_cast<size_t>(fb[i].other)].other == static_cast<int64_t>(i) && keep(fb[i].score)) {
          out.push_back({fb[i].score, static_cast<int64_t>(i), fb[i].other});
        }
      }
      break;
    case Retrieval::kMax: {
      std::vector<ScoredPair> cand;
      cand.reserve(fb.size() + bb.size());
      for (size_t i = 0; i < fb.size(); ++i) cand.push_back({fb[i].score, static_cast<int64_t>(i), fb[i].other});
      for (size_t j = 0; j < bb.size(); ++j) cand.push_back({bb[j].score, bb[j].other, static_cast<int64_t>(j)});
      sort_pairs(cand);
      std::vector<bool> src_used(fwd.rows, false), tgt_used(bwd.rows, false);
      for (const ScoredPair& p : cand) {
        if (!keep(p.score)) break;  // sorted: nothing after passes either
        const auto s = static_cast<size_t>(p.src), t = static_cast<size_t>(p.tgt);
        if (src_used[s] || tgt_used[t]) continue;
        src_used[s] = tgt_used[t] = true;
        out.push_back(p);
      }
      break;
    }
  }
  sort_pairs(out);
  return out;
}

}  // namespace bitmill::mine
