#include "bitmill/io/signal_cleanup.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace bitmill {
namespace {

constexpr int kSlots = 256;
constexpr size_t kMaxPath = 4096;

enum SlotState : int { kFree = 0, kWriting = 1, kActive = 2 };

struct Slot {
  std::atomic<int> state{kFree};
  char path[kMaxPath];
};

// Zero-initialised static storage; see the header for why this is global.
Slot g_slots[kSlots];
std::atomic<bool> g_installed{false};

extern "C" void on_fatal_signal(int sig) {
  for (auto& slot : g_slots) {
    if (slot.state.load(std::memory_order_acquire) == kActive) ::unlink(slot.path);
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

}  // namespace

void install_signal_cleanup() {
  if (g_installed.exchange(true)) return;
  struct sigaction sa {};
  sa.sa_handler = on_fatal_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) {
    struct sigaction old {};
    // Respect an inherited "ignore" (nohup, or a shell that ignores SIGINT for background jobs).
    if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    ::sigaction(sig, &sa, nullptr);
  }
}

int register_temp_path(const char* path) {
  const size_t n = std::strlen(path);
  if (n + 1 > kMaxPath) return -1;
  for (int i = 0; i < kSlots; ++i) {
    int expected = kFree;
    if (g_slots[i].state.compare_exchange_strong(expected, kWriting, std::memory_order_acq_rel)) {
      std::memcpy(g_slots[i].path, path, n + 1);
      g_slots[i].state.store(kActive, std::memory_order_release);
      return i;
    }
  }
  return -1;
}

void unregister_temp_path(int slot) {
  if (slot < 0 || slot >= kSlots) return;
  g_slots[slot].state.store(kFree, std::memory_order_release);
}

}  // namespace bitmill
