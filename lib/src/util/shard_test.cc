#include "bitmill/util/shard.h"

#include <doctest/doctest.h>

#include <map>

namespace bitmill {
namespace {

TEST_CASE("parse_shard accepts I/N with 0 <= I < N") {
  struct Row {
    const char* spec;
    bool ok;
    uint64_t i, n;
  };
  const Row rows[] = {
      {"0/1", true, 0, 1},
      {"3/16", true, 3, 16},
      {"15/16", true, 15, 16},
      {"16/16", false, 0, 0},
      {"1/0", false, 0, 0},
      {"-1/4", false, 0, 0},
      {"1", false, 0, 0},
      {"a/b", false, 0, 0},
      {"1/4x", false, 0, 0},
      {"", false, 0, 0},
      {"/4", false, 0, 0},
      // At most kMaxShardCount shards; 2^64 - 1 would be a typo's million empty outputs.
      {"0/1048576", true, 0, 1048576},
      {"0/1048577", false, 0, 0},
      {"5/18446744073709551615", false, 0, 0},
  };
  for (const auto& r : rows) {
    CAPTURE(r.spec);
    auto s = parse_shard(r.spec);
    CHECK(s.has_value() == r.ok);
    if (r.ok && s.has_value()) {
      CHECK(s->index == r.i);
      CHECK(s->count == r.n);
    }
    if (!r.ok) CHECK(s.status().code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("the shards of a split cover every ordinal exactly once") {
  for (uint64_t n : {1, 2, 3, 7}) {
    std::map<uint64_t, int> owners;
    for (uint64_t i = 0; i < n; ++i) {
      const Shard s{i, n};
      for (uint64_t ord = 0; ord < 100; ++ord) owners[ord] += s.contains(ord) ? 1 : 0;
    }
    for (const auto& [ord, count] : owners) CHECK(count == 1);
  }
}

struct FakeEnv {
  std::map<std::string, std::string> vars;
  const char* operator()(const char* name) const {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  }
};

TEST_CASE("Slurm array variables give the shard when --shard is absent") {
  FakeEnv none;
  CHECK(resolve_shard("", none)->is_whole());

  FakeEnv zero_based{{{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_COUNT", "4"}, {"SLURM_ARRAY_TASK_MIN", "0"}}};
  auto s = resolve_shard("", zero_based);
  CHECK(s->index == 2);
  CHECK(s->count == 4);

  // --array=1-4: ids 1..4 map to shards 0..3.
  FakeEnv one_based{{{"SLURM_ARRAY_TASK_ID", "4"}, {"SLURM_ARRAY_TASK_COUNT", "4"}, {"SLURM_ARRAY_TASK_MIN", "1"}}};
  s = resolve_shard("", one_based);
  CHECK(s->index == 3);
  CHECK(s->count == 4);

  // An explicit --shard wins over the environment.
  s = resolve_shard("1/2", one_based);
  CHECK(s->index == 1);
  CHECK(s->count == 2);

  // A stepped array (--array=0-6:2: ids 0,2,4,6, count 4) cannot be mapped: ask for --shard.
  FakeEnv stepped{{{"SLURM_ARRAY_TASK_ID", "6"}, {"SLURM_ARRAY_TASK_COUNT", "4"}, {"SLURM_ARRAY_TASK_MIN", "0"}}};
  CHECK(resolve_shard("", stepped).status().code() == StatusCode::kInvalidArgument);

  FakeEnv garbage{{{"SLURM_ARRAY_TASK_ID", "x"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}};
  CHECK_FALSE(resolve_shard("", garbage).has_value());
}

TEST_CASE("parse_shard_by") {
  CHECK(*parse_shard_by("line") == ShardBy::kLine);
  CHECK(*parse_shard_by("file") == ShardBy::kFile);
  CHECK_FALSE(parse_shard_by("lines").has_value());
}

}  // namespace
}  // namespace bitmill
