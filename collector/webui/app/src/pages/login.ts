// Sign-in with a user of the collector's configuration (ui.users).
import { signIn, Unauthorised } from '../api';
import { h } from '../dom';
import { t } from '../i18n';

export function loginPage(onSuccess: () => void): HTMLElement {
  const user = h('input', { type: 'text', name: 'user', autocomplete: 'username', required: true, 'data-testid': 'login-user' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true,
    'data-testid': 'login-password' });
  const message = h('p', { class: 'error', role: 'alert', 'data-testid': 'login-error' });
  const form = h('form', { class: 'login' }, h('h1', {}, t.loginTitle),
    h('label', {}, h('span', {}, t.loginUser), user),
    h('label', {}, h('span', {}, t.loginPassword), password),
    h('button', { type: 'submit', 'data-testid': 'login-submit' }, t.loginSubmit), message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.textContent = '';
    try {
      await signIn(user.value, password.value);
      onSuccess();
    } catch (e) {
      password.value = '';
      message.textContent = e instanceof Unauthorised ? t.loginRejected : t.loadError + String(e);
    }
  });
  return form;
}
