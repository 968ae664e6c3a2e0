#include "index/sigfpe_guard.h"

#include <setjmp.h>
#include <signal.h>

#include <mutex>

namespace bitmill::index {
namespace {

// The landing point of the current guarded call on this thread, or null.
thread_local sigjmp_buf* t_landing = nullptr;

extern "C" void on_sigfpe(int sig) {
  if (t_landing != nullptr) siglongjmp(*t_landing, 1);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void install_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_handler = on_sigfpe;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGFPE, &sa, nullptr);
  });
}

// Clears the landing point however the call ends.
struct Landing {
  explicit Landing(sigjmp_buf* b) { t_landing = b; }
  ~Landing() { t_landing = nullptr; }
  Landing(const Landing&) = delete;
  Landing& operator=(const Landing&) = delete;
};

}  // namespace

bool call_catching_sigfpe(const std::function<void()>& f) {
  install_handler();
  sigjmp_buf landing;
  // The signal mask is saved and restored (1), so SIGFPE is not left blocked after the jump.
  if (sigsetjmp(landing, 1) != 0) {
    t_landing = nullptr;
    return false;
  }
  const Landing scope(&landing);
  f();
  return true;
}

}  // namespace bitmill::index
