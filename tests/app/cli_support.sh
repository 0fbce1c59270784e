# Shared by the command-line tests (sourced): a scratch directory removed at exit (with a
# server the test started, in $server_pid), the ok/fail tally, and one HTTP request over
# bash's /dev/tcp to the server on $port; waiting for that server to listen and to stop.
work=$(mktemp -d)
server_pid=
trap '[[ -n $server_pid ]] && kill -9 $server_pid 2>/dev/null; rm -rf "$work"' EXIT
failures=0

ok() { echo "ok   $1"; }
fail() {
  echo "FAIL $1"
  failures=$((failures + 1))
}

# http METHOD PATH [BODY [TOKEN]]: prints the whole response (status line, headers, body).
http() {
  local body=${3:-} auth= LC_ALL=C  # C locale: ${#body} counts bytes
  [[ -n ${4:-} ]] && auth="Authorization: Bearer $4"$'\r\n'
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf '%s %s HTTP/1.1\r\nHost: test\r\nConnection: close\r\n%sContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
    "$1" "$2" "$auth" "${#body}" "$body" >&3
  timeout 10 cat <&3
  exec 3<&-
}

# wait_for_port LOG PATTERN TRIES: waits, 0.1 s a try, until the server in $server_pid
# writes to LOG a match of PATTERN that ends in :PORT; sets $port (empty if it never did).
wait_for_port() {
  port=
  for _ in $(seq "$3"); do
    port=$(grep -o "$2" "$1" 2>/dev/null | head -1 | sed 's/.*://')
    [[ -n $port ]] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
}

# stop_with SIGNAL: signals the server in $server_pid and waits up to 10 s for it to exit;
# its exit status is left in $server_rc (empty: still running, and left to the exit trap).
stop_with() {
  kill -"$1" "$server_pid"
  server_rc=
  for _ in $(seq 100); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      wait "$server_pid"
      server_rc=$?
      server_pid=
      return
    fi
    sleep 0.1
  done
}
