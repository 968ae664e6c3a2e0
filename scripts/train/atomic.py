"""Writing an output file of the training scripts without leaving it half-written.

write_text(path, text): a regular file (or a new one) is written to a temporary file beside it
and renamed over it, so a reader or a crash sees the old file or the new one, never a part. A path
that exists and is not a regular file (a FIFO, /dev/stdout, /dev/null) is written in place: a
rename would replace the device or pipe itself (run as root, a rename over /dev/null replaces the
system's /dev/null with a regular file). Only the standard library.
"""
import os


def write_text(path, text):
    if os.path.exists(path) and not os.path.isfile(path):
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        return
    tmp = f"{path}.tmp.{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
