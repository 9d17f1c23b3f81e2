# sahab-agent %pre: the dedicated 'sahab' system user exists before the files are laid down.
getent group sahab >/dev/null || groupadd -r sahab
getent passwd sahab >/dev/null ||
  useradd -r -g sahab -d /var/lib/sahab-agent -M -s /sbin/nologin -c "Sahab agent" sahab
exit 0
