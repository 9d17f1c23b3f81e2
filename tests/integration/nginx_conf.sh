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
