// Removal of temporary output files when the process is interrupted.
//
// install_signal_cleanup() sets handlers for SIGINT, SIGTERM, SIGHUP and SIGPIPE that unlink every
// registered path and then re-raise the signal with its default action, so the process still
// dies "by signal" (exit status 128+N in a shell) and leaves no NAME.tmp.<pid> file behind.
//
// This is the one piece of process-wide mutable state in the library: a signal handler cannot be
// handed a context, so the registry is a fixed table of slots written with atomics only.
// Spill files need no registration: they are unlinked as soon as they are created.
//
// Thread safety: all functions may be called from any thread; the handler is async-signal-safe.
#pragma once

namespace bitmill {

// Idempotent; call once early in main().
void install_signal_cleanup();

// Registers `path` for removal on a fatal signal. Returns a slot id for unregister_temp_path, or
// -1 when the table (256 slots) is full or the path is too long (the file is then simply not
// removed on a signal; normal error paths still remove it).
int register_temp_path(const char* path);
void unregister_temp_path(int slot);

}  // namespace bitmill
