# Kill anywhere, the short version of scripts/kill_test.sh: every tool (sharded k-NN and index
# steps and their merges included) killed by SIGKILL or SIGTERM at 5 random moments (fixed seed),
# on small generated inputs. No output may exist under its name unless complete, and a rerun must
# give the uninterrupted run's bytes and remove what the killed run left. The script exits 1 on
# any failure and prints the table and the failures, which run.sh shows.
# Under AddressSanitizer, a kill that lands while LeakSanitizer checks the dying process makes it
# print "Unable to get registers" (it stops the threads with ptrace): noise of the kill, not a
# defect. Leaks are checked by every other test; the killed runs and their reruns skip it.
if [ -n "${ASAN_OPTIONS:-}" ]; then export ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0"; fi
/usr/bin/python3 "$CASES/../../scripts/kill_test.py" --bin "$BIN" --scale small --trials 5 --seed 15 --work "$PWD/kill"
