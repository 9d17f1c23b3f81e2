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
