# sahab-agent %post: state and spool directories owned by 'sahab'; the service is enabled by the
# distribution's preset policy on first install (the install script enables and starts it).
for dir in /var/lib/sahab-agent /var/lib/sahab-agent/spool; do
  [ -d "$dir" ] || mkdir -m 0750 "$dir"
  chown sahab:sahab "$dir"
done
if [ "$1" -eq 1 ] && command -v systemctl >/dev/null 2>&1; then
  systemctl --no-reload preset sahab-agent.service >/dev/null 2>&1 || :
fi
exit 0
