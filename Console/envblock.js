// The modal shown when authorization is enabled: everything an AgentOS needs, copy-able and as an .env file.
import { codeBlock, copyButton, downloadButton, h, modal } from './dom.js';

/** `.env` text: AGENT_OS_ID, the PEM (quoted, with its newlines) and the console's CORS origin. */
export function envFile(osID, pem) {
  return `AGENT_OS_ID=${osID}\nJWT_VERIFICATION_KEY="${pem.trim()}"\n${corsLine()}\n`;
}

/** Lets this console call the AgentOS from the browser (Agno reads it as a JSON list). */
export function corsLine() {
  return `CORS_ORIGIN_LIST='["${location.origin}"]'`;
}

export function jwksURL(org, os) {
  return `${location.origin}/v1/orgs/${encodeURIComponent(org)}/os/${encodeURIComponent(os)}/jwks.json`;
}

export function showEnvModal(org, os, key) {
  const env = envFile(os, key.public_key_pem);
  return modal(`Authorization enabled for ${os}`,
    h('p', {}, `Signing key ${key.kid} (${key.alg}). The private key never leaves the control plane; give the AgentOS this environment and restart it.`),
    codeBlock('Environment (.env)', env, 'env-block'),
    h('div', { class: 'actions' }, downloadButton(env, `${os}.env`, 'Download .env', 'env-download')),
    codeBlock('JWT_VERIFICATION_KEY (public key, PEM)', key.public_key_pem, 'env-pem'),
    h('div', { class: 'code' }, h('div', { class: 'code-head' }, h('span', {}, 'JWKS URL (for JWT_JWKS_URL, follows rotations)'),
      copyButton(jwksURL(org, os), 'Copy', 'env-jwks-copy')), h('pre', { id: 'env-jwks' }, jwksURL(org, os))),
    h('p', { class: 'hint' }, `The last line, ${corsLine()}, lets this console (${location.origin}) call the AgentOS directly ("Use the OS").`));
}
