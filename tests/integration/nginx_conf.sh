# nginx's main configuration for a run of a test or a benchmark (sourced): everything nginx writes
# (pid, logs, temporary files) under the run's own folder, in the foreground, so that it runs
# unprivileged beside other runs.
#
#   write_nginx_conf DIR WORKER_CONNECTIONS <<'SERVERS'
#     server { ... }            # what goes inside the http block
#   SERVERS
write_nginx_conf() {
  local dir="$1" connections="$2"
  mkdir -p "$dir/logs"
  {
    cat <<CONF
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections $connections; }
http {
  access_log $dir/logs/access.log;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
CONF
    cat
    echo "}"
  } >"$dir/nginx.conf"
}

# make_test_tls DIR: a test CA (DIR/ca.crt, ca.key) and a certificate for localhost and 127.0.0.1
# signed by it (DIR/collector.crt, collector.key), for nginx to terminate TLS in front of a
# collector.
make_test_tls() {
  local tls="$1"
  mkdir -p "$tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Sahab test CA" \
    -keyout "$tls/ca.key" -out "$tls/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$tls/collector.key" \
    -out "$tls/collector.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$tls/san.ext"
  openssl x509 -req -in "$tls/collector.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial \
    -days 2 -extfile "$tls/san.ext" -out "$tls/collector.crt" 2>/dev/null
}

# start_upstream_nginx URL_A URL_B: nginx (lib.sh's start) with the shipped
# configs/nginx/sahab-collectors-upstream.conf in front of the two collectors at URL_A and URL_B
# (http://HOST:PORT), its TLS on a free loopback port with a test CA; waits until it answers
# through them. Sets LB (https://localhost:PORT), LB_CA (the CA's certificate, for curl --cacert
# and the agent's --collector.ca-file) and NGINX_DIR (logs in NGINX_DIR/logs; upstream.log: per
# request its path, status and the collectors tried, "A:PORT, B:PORT" when A failed and B answered).
start_upstream_nginx() {
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || fail "nginx is not installed (scripts/packages/test.txt)"
  local nginx tls="$WORK/tls" port deadline
  nginx="$(command -v nginx || echo /usr/sbin/nginx)"
  NGINX_DIR="$WORK/nginx"
  make_test_tls "$tls"
  port=$(free_port)
  # The shipped file with this run's port, certificate and the two collectors as its upstream.
  sed -e "s|listen 443 ssl;|listen 127.0.0.1:$port ssl;|" \
    -e "s|/etc/sahab-collector/tls/|$tls/|g" \
    -e "s|server 10.0.0.11:9410 |server ${1#http://} |" \
    -e "s|server 10.0.0.12:9410 |server ${2#http://} |" \
    "$SAHAB_SOURCE_DIR/configs/nginx/sahab-collectors-upstream.conf" >"$WORK/upstream.conf"
  [[ $(grep -c "server 127.0.0.1:" "$WORK/upstream.conf") == 2 ]] || fail "config substitution"
  write_nginx_conf "$NGINX_DIR" 256 <<CONF
  log_format sahab_upstream '\$uri \$status \$upstream_addr';
  access_log $NGINX_DIR/logs/upstream.log sahab_upstream;
  include $WORK/upstream.conf;
CONF
  "$nginx" -t -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" >"$WORK/nginx-t.log" 2>&1 ||
    fail "nginx -t: $(cat "$WORK/nginx-t.log")"
  start nginx "$nginx" -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf"
  LB="https://localhost:$port"
  LB_CA="$tls/ca.crt"
  deadline=$((SECONDS + 15))
  until curl -fsS --cacert "$LB_CA" -o /dev/null "$LB/healthz" 2>/dev/null; do
    ((SECONDS < deadline)) || fail "nginx did not answer"
    sleep 0.2
  done
}
