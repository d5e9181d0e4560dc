// The .env dialog: what an AgentOS is started from, exactly as the server's one generator
// (`GET …/os/{os}/env?form=…`, the same text as `controlplane os env`) answers it: the env text, the
// files it names (the JWKS file) and the steps. Nothing of it is assembled here.
import { ApiError, enc, get } from './api.js';
import { clear, codeBlock, downloadButton, h, modal, notice } from './dom.js';

/** The verifiers an OS can record, as the console names them (docs/keys.md, "What verifies the OS"). */
export const VERIFIERS = [
  ['agno', 'Stock Agno AgentOS'],
  ['agentos-auth', 'This project\'s verifier or agentos-gateway'],
];

export function verifierName(verifier) {
  return VERIFIERS.find(([value]) => value === verifier)?.[1] ?? verifier;
}

// The ways each verifier reads its keys, first the one the server picks when none is asked for.
// Stock Agno 3.1.10 fetches nothing: no JWKS URL for it (the server refuses that form too).
const FORMS = {
  agno: [
    ['pem', 'PEM (JWT_VERIFICATION_KEY)'],
    ['jwks-file', 'JWKS file (JWT_JWKS_FILE, rotates without refusals)'],
  ],
  'agentos-auth': [
    ['jwks-url', 'JWKS URL (JWT_JWKS_URL, follows rotations and status lists)'],
    ['pem', 'PEM (JWT_VERIFICATION_KEY)'],
    ['jwks-file', 'JWKS file (JWT_JWKS_FILE)'],
  ],
};

/** `text` with its `backquoted` parts as <code> (the server's steps quote commands that way). */
export function withCode(text) {
  return String(text).split('`').map((part, i) => (i % 2 ? h('code', {}, part) : part));
}

/**
 * Opens the dialog for `os` of `org`. `key` (`{kid, alg}`, optional) names the signing key just
 * made; `form` the form to show first (else the server's default for the OS's verifier).
 */
export function showEnvModal(org, os, { key, form } = {}) {
  const body = h('div', { id: 'env-body', 'aria-live': 'polite' }, notice('Loading the environment …'));
  const dialog = modal(`Start ${os} with this environment`,
    key ? h('p', {}, `Signing key ${key.kid} (${key.alg}). The private key never leaves the control plane; the AgentOS gets only public keys.`) : null,
    h('div', { id: 'env-forms' }), body);
  const forms = dialog.querySelector('#env-forms');
  const load = async (wanted) => {
    clear(body, notice('Loading the environment …'));
    let env;
    try {
      env = await get(`/v1/orgs/${enc(org)}/os/${enc(os)}/env${wanted ? `?form=${enc(wanted)}` : ''}`);
    } catch (error) {
      clear(body, notice(error instanceof ApiError && error.status === 409
        ? `${error.message}. Enable authorization on the OS's settings page first.` : error.message, 'error'));
      return;
    }
    clear(forms, formPicker(env, load));
    render(body, env);
  };
  load(form);
  return dialog;
}

function formPicker(env, load) {
  const choices = FORMS[env.verifier] ?? [[env.form, env.form]];
  return h('fieldset', { class: 'env-forms' },
    h('legend', {}, `How the AgentOS reads its keys (${verifierName(env.verifier)})`),
    choices.map(([value, label]) => {
      const radio = h('input', { type: 'radio', name: 'env-form', id: `env-form-${value}`, value, checked: value === env.form });
      radio.addEventListener('change', () => { if (radio.checked) load(value); });
      return h('div', { class: 'field checkbox' }, radio, h('label', { for: `env-form-${value}` }, label));
    }));
}

function render(body, env) {
  const cors = env.env.split('\n').find((line) => line.startsWith('CORS_ORIGIN_LIST='));
  clear(body,
    codeBlock(`Environment (${env.os}.env)`, env.env, 'env-block'),
    h('div', { class: 'actions' }, downloadButton(env.env, `${env.os}.env`, 'Download .env', 'env-download')),
    env.files.map((file, i) => {
      const id = i === 0 ? 'env-file' : `env-file-${i + 1}`;
      return h('div', { class: 'env-file' },
        h('p', {}, 'Beside it, the file it names: ', h('code', {}, file.name)),
        h('div', { class: 'actions' }, downloadButton(file.content, file.name, `Download ${file.name}`, `${id}-download`)),
        h('details', {}, h('summary', {}, `Show ${file.name}`), codeBlock(file.name, file.content, id)));
    }),
    env.steps.length ? h('div', {}, h('h3', {}, 'Steps'), h('ol', { id: 'env-steps', class: 'steps' }, env.steps.map((step) => h('li', {}, withCode(step))))) : null,
    corsHint(cors));
}

/** What CORS_ORIGIN_LIST is for, and a warning when it does not name this console's origin. */
function corsHint(line) {
  if (!line) return null;
  if (line.includes(`"${location.origin}"`)) {
    return h('p', { class: 'hint' }, `The line ${line} lets this console (${location.origin}) call the AgentOS from the browser ("Use the OS").`);
  }
  return notice(`${line} does not name this console's address (${location.origin}): "Use the OS" from this browser will be refused by the AgentOS. `
    + 'Set CONTROL_PLANE_ISSUER to the URL browsers use for the control plane, or add this origin to the list.', 'error');
}
