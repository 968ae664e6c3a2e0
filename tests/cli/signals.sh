# A run killed by SIGINT, SIGTERM or SIGHUP leaves neither its outputs nor temporary files, and
# dies by that signal (exit status 128+N).
set -m  # job control: background jobs do not inherit an ignored SIGINT
for sig in INT TERM HUP; do
  rm -f fifo; mkfifo fifo
  bitmill-dedup fifo -o out.txt --removed removed.txt.gz &
  pid=$!
  exec 3>fifo
  seq 1 100000 >&3
  sleep 1
  tmp_during=$(ls | grep -c '\.tmp\.')
  kill -$sig $pid
  wait $pid
  rc=$?
  exec 3>&-
  echo "SIG$sig: exit=$rc temporary_files_while_running=$tmp_during left=$(ls | grep -c -e '\.tmp\.' -e '^out.txt$' -e '^removed.txt.gz$')"
done
echo "--- a reader that goes away (SIGPIPE)"
seq 1 2000000 > big.txt
bitmill-dedup big.txt --removed rm.txt | head -n 1
echo "status=${PIPESTATUS[0]} left=$(ls | grep -c -e '\.tmp\.' -e '^rm.txt$')"
