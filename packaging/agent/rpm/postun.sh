# sahab-agent %postun: reload systemd; restart the agent after an upgrade. On erase the state in
# /var/lib/sahab-agent (identity, unsent reports) and /etc/sahab are kept, as rpm keeps changed
# configuration: rm -rf /var/lib/sahab-agent /etc/sahab completes the removal (docs/install.md).
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || :
  if [ "$1" -ge 1 ]; then
    systemctl try-restart sahab-agent.service >/dev/null 2>&1 || :
  fi
fi
exit 0
