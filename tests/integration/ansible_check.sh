#!/usr/bin/env bash
# configs/ansible/: `ansible-playbook --syntax-check` passes on the shipped playbook and role (with
# the example inventory), and fails on a broken copy (bad YAML, an unknown module), so the check
# can fail. ansible-core from Debian (ansible.builtin modules only, so no collection is needed).
source "$(dirname "$0")/lib.sh"
command -v ansible-playbook >/dev/null || fail "ansible-playbook not installed (ansible-core, scripts/packages/test.txt)"
export ANSIBLE_LOCAL_TEMP="$WORK/ansible-tmp" ANSIBLE_HOME="$WORK/ansible-home" ANSIBLE_NOCOLOR=1
syntax_check() { (cd "$1" && ansible-playbook -i inventory.example.ini --syntax-check site.yml) >"$WORK/check.log" 2>&1; }

syntax_check "$SAHAB_SOURCE_DIR/configs/ansible" || fail "syntax check: $(cat "$WORK/check.log")"
pass "ansible-playbook --syntax-check site.yml"

cp -r "$SAHAB_SOURCE_DIR/configs/ansible" "$WORK/unknown-module"
sed -i 's/ansible.builtin.get_url:/ansible.builtin.get_urll:/' "$WORK/unknown-module/roles/sahab_agent/tasks/main.yml"
if syntax_check "$WORK/unknown-module"; then fail "an unknown module passed the syntax check"; fi
cp -r "$SAHAB_SOURCE_DIR/configs/ansible" "$WORK/bad-yaml"
printf -- '- name: broken\n  hosts: [\n' >"$WORK/bad-yaml/site.yml"
if syntax_check "$WORK/bad-yaml"; then fail "broken YAML passed the syntax check"; fi
pass "a broken playbook fails the check"

# The token is only ever handled with no_log, and comes from the vault variable.
grep -q 'sahab_enrolment_token: "{{ vault_sahab_enrolment_token }}"' "$SAHAB_SOURCE_DIR/configs/ansible/group_vars/sahab_agents/main.yml" \
  || fail "the token does not come from the vault variable"
python3 - "$SAHAB_SOURCE_DIR/configs/ansible/roles/sahab_agent/tasks/main.yml" <<'PY' || fail "a task handles the token without no_log"
import sys, yaml
for task in yaml.safe_load(open(sys.argv[1])):
    if "sahab_enrolment_token" in str({k: v for k, v in task.items() if k != "ansible.builtin.assert"}):
        assert task.get("no_log") is True, task["name"]
PY
pass "the token comes from the vault and every task using it has no_log"
echo "3 passed, 0 failed"
