// FaissIndex::load (index/faiss_index.h), as bitmill-index and bitmill-mine open an index file:
// FAISS's reader on arbitrary bytes, its exceptions (and std::bad_alloc for sizes it believes)
// turned into errors. The contract: an error naming the file, or an inner-product index whose
// shape can be asked for.
#include <cstdlib>
#include <new>
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

// FAISS sizes its vectors from the file and allocates them before reading their contents, so a
// forged size asks for terabytes. In bitmill that is std::bad_alloc, which load() turns into a
// data error (or, below the machine's memory, an allocation that the truncated read then
// releases). Under ASan, operator new cannot throw: it reports out-of-memory and aborts. This
// target's operator new therefore throws bad_alloc beyond 256 MiB, as a machine with that much
// memory would, and takes the rest from malloc, which ASan still checks.
namespace {
constexpr size_t kMaxAllocation = size_t{256} << 20;
void* allocate(size_t n) {
  void* p = n <= kMaxAllocation ? std::malloc(n == 0 ? 1 : n) : nullptr;
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

void* operator new(size_t n) { return allocate(n); }
void* operator new[](size_t n) { return allocate(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

// libFuzzer's own allocations still go through ASan's operator new and come back through the
// delete above: the new/free pairing check cannot hold in this target.
extern "C" const char* __asan_default_options() { return "alloc_dealloc_mismatch=0"; }
