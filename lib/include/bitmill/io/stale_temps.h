// Removal of the temporary outputs that killed runs left behind.
//
// An output is written as "OUT.tmp.<pid>" and renamed when complete (output_stream.h). A fatal
// signal that can be caught removes it (signal_cleanup.h), but SIGKILL (the OOM killer, a Slurm
// job past its time), a crash or a power loss leave it. The next run that writes OUT removes
// them: OutputStream::open() calls remove_stale_temp_outputs(OUT) first.
//
// A file is stale, and removed, only when all of these hold:
//   - its name is exactly NAME.tmp.<pid> for an output NAME asked about, with pid the decimal
//     digits of a positive pid_t (no sign, no leading zero), and not this process;
//   - it is a regular file (not a link, a directory, a FIFO);
//   - process_gone(pid): kill(pid, 0) fails with ESRCH, so no process of this host and PID
//     namespace has that id (a process of another user, EPERM, is alive);
//   - nobody holds a lock on it: a writer flock()s its temporary file while it writes, and the
//     kernel drops the lock when the process dies, however it dies. The pid alone cannot tell
//     that a file on a shared file system belongs to a live process on another node or in another
//     container; the lock can, where the file system supports locks (local ones, NFS).
// A recycled pid keeps a stale file (the process looks alive); a later run removes it.
//
// Thread safety: re-entrant; the functions read and change the file system only.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "bitmill/base/status.h"

namespace bitmill {

// "PATH.tmp.<pid>" with this process's pid: where OutputStream writes PATH.
std::string temp_output_path(const std::string& path);

struct TempOutputName {
  std::string_view output;  // NAME: what the file would have been renamed to (a file name)
  pid_t pid = 0;
};

// Splits a file name "NAME.tmp.<pid>" (the last ".tmp."); nullopt when `name` is not exactly that
// pattern or NAME is empty.
std::optional<TempOutputName> parse_temp_output_name(std::string_view name);

// True only when no process has id `pid` here (kill(pid, 0) fails with ESRCH); false for pid <= 0.
bool process_gone(pid_t pid);

// Removes the stale temporary outputs in `dir` whose NAME satisfies `is_output` (see above).
// Returns how many were removed. Errors: `dir` cannot be listed, a stale file cannot be removed
// (both name the path); files examined before the error stay removed.
Expected<size_t> remove_stale_temp_outputs_in(const std::string& dir,
                                              const std::function<bool(std::string_view name)>& is_output);

// Those of one output path: PATH.tmp.<pid> beside PATH.
Expected<size_t> remove_stale_temp_outputs(const std::string& path);

// Locks the temporary file open as `fd` for its writer (see above) and returns a second
// descriptor of it that keeps the lock until the writer closes it, once the file is renamed or
// removed: the writer closes `fd` itself earlier, to see the errors that close() reports.
// -1 where the file system has no locks (the pid check then stands alone).
int lock_temp_output(int fd);

}  // namespace bitmill
