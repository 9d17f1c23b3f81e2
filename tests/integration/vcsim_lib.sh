# Helpers for tests against vcsim, VMware's vCenter simulator (sourced after lib.sh). The binary
# is built from Debian's govmomi source by scripts/build-vcsim.sh and cached outside the clone.
VCSIM="$("${SAHAB_SOURCE_DIR:?}/scripts/build-vcsim.sh")" || fail "cannot build vcsim"

# start_vcsim NAME [VCSIM FLAGS...]: vcsim on a free loopback port (TLS with its own self-signed
# certificate unless -tls=false is given), sized by -dc/-cluster/-host/-vm; sets VCSIM_URL (its
# /sdk) and VCSIM_PID, and waits until it answers.
start_vcsim() {
  local name="$1" port scheme=https
  shift
  port=$(free_port)
  [[ " $* " == *" -tls=false "* ]] && scheme=http
  start "$name" "$VCSIM" -l "127.0.0.1:$port" -E /dev/null "$@"
  VCSIM_PID=$LAST_PID
  VCSIM_URL="$scheme://127.0.0.1:$port/sdk"
  local deadline=$((SECONDS + 120))
  until curl -ks -o /dev/null "$scheme://127.0.0.1:$port/about"; do
    kill -0 "$VCSIM_PID" 2>/dev/null || fail "vcsim exited: $(tail -5 "$WORK/$name.log")"
    ((SECONDS < deadline)) || fail "vcsim did not answer in time"
    sleep 0.2
  done
}

# vcsim_soap URL COOKIE_JAR BODY: one SOAP call (BODY inside the envelope's Body), answer on stdout.
vcsim_soap() {
  printf '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:vim25"><soapenv:Body>%s</soapenv:Body></soapenv:Envelope>' "$3" |
    curl -ksS -b "$2" -c "$2" -H 'Content-Type: text/xml; charset=utf-8' \
      -H 'SOAPAction: urn:vim25/6.5' --data-binary @- "$1"
}

# vcsim_destroy_vm URL USER PASSWORD MOREF: removes a VM from the simulator (Destroy_Task).
vcsim_destroy_vm() {
  local jar="$WORK/vcsim-cookies"
  vcsim_soap "$1" "$jar" "<Login><_this type=\"SessionManager\">SessionManager</_this><userName>$2</userName><password>$3</password></Login>" >/dev/null
  vcsim_soap "$1" "$jar" "<PowerOffVM_Task><_this type=\"VirtualMachine\">$4</_this></PowerOffVM_Task>" >/dev/null
  vcsim_soap "$1" "$jar" "<Destroy_Task><_this type=\"VirtualMachine\">$4</_this></Destroy_Task>" |
    grep -q 'Destroy_TaskResponse' || fail "Destroy_Task of $4 refused"
}
