// FaissIndex::load (index/faiss_index.h), as bitmill-index and bitmill-mine open an index file:
// FAISS's reader on arbitrary bytes, its exceptions (and std::bad_alloc past the read's allocation
// cap) turned into errors. The contract: an error naming the file, or an inner-product index whose
// shape can be asked for.
#include <string>

#include "bitmill/index/faiss_index.h"
#include "fuzz_util.h"

using namespace bitmill;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_file("in.faiss", fuzz::as_view(data, size));
  auto ix = index::FaissIndex::load(path);
  if (!ix) {
    FUZZ_CHECK_NAMES(ix.status().message(), path);
    return 0;
  }
  (void)ix->dim();
  (void)ix->size();
  (void)ix->is_trained();
  (void)ix->nlist();
  (void)ix->describe();
  return 0;
}

// FAISS 1.7.3's read_index() holds what it has read so far in raw pointers, and leaks them when it
// throws on a malformed file (a FAISS bug: nothing bitmill can free). bitmill reports the error
// and the tool exits, so the leak is harmless there; it is left out of the leak check, which still
// covers everything else.
extern "C" const char* __lsan_default_suppressions() { return "leak:faiss::read_\n"; }

// FAISS sizes its vectors from the file and allocates them before reading their contents; load()
// reads under an allocation cap of a few times the file's size (index/allocation_cap.h), so a
// forged size is a std::bad_alloc and a data error before anything large is allocated. The cap
// replaces operator new in this target as in the tools.
