// DIR/clusters.bin of sharded near dedup (near_work.h), written by the cluster phase and read by
// the apply tasks. Private to lib/src/dedup.
//
// A work file (work_file.h), magic "BMNEARCL", fields ClustersField, sections:
//   kClMembers  ClusterMember per record of a cluster of two or more, by record
//   kClReps     ClusterRep per kept record of such a cluster, by record
//   kClIds      the kept records' ids (with --id-field), one after another (ClusterRep::id_end)
//   kClBases    u64 per sign shard and one more: the global ordinal of the shard's first record
//
// Thread safety: plain data.
#pragma once

#include <cstdint>

namespace bitmill::dedup::detail {

enum ClustersField : size_t {
  kClSignShards,
  kClJoinShards,
  kClOptions,
  kClNames,
  kClRecords,
  kClKeepLongest,
  kClClusters,
  kClClustered,
};
enum ClustersSection : size_t { kClMembers, kClReps, kClIds, kClBases };

struct ClusterMember {
  uint64_t record;  // global ordinal
  uint64_t rep;     // the record kept for its cluster
  uint64_t size;    // records in the cluster
};

struct ClusterRep {
  uint64_t record;  // global ordinal
  uint64_t input;   // index among all inputs
  uint64_t line;    // 1-based line in it
  uint64_t id_end;  // end of its id in kClIds
};

}  // namespace bitmill::dedup::detail
