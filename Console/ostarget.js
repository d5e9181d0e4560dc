// Where the console's OS tokens go, shown before the first one leaves (issue #24): an OS's URL
// is data someone typed, so the page names it and sends nothing until the user has seen it.
import { baseOf, originOf } from './api.js';
import { h, notice } from './dom.js';

// `<org>/<os>/<url>` the user agreed to in this page (memory only: a reload asks again, and a
// changed URL is a new question).
const agreed = new Set();

/**
 * The target line and, until the user agrees, a button naming the origin; `go()` runs once they
 * have (at once when they already did for this OS and URL). `id` prefixes the elements' ids:
 * `<id>-target` (the URL), `<id>-send` (the button).
 */
export function beforeSending(org, os, id, action, go) {
  const base = baseOf(os.url ?? '');
  const origin = originOf(base);
  const line = h('p', { class: 'target', id: `${id}-target-line` },
    'Each call gets its own 60-second token, narrowed to the scopes that call needs, sent to ',
    h('code', { id: `${id}-target` }, base), origin && origin !== base ? ` (origin ${origin})` : '', '.');
  if (!origin) return h('div', {}, line, notice(`This OS's URL is not an http(s) URL: fix it in the OS's settings.`, 'error'));
  const key = `${org}/${os.id}/${base}`;
  if (agreed.has(key)) {
    setTimeout(go);
    return line;
  }
  const button = h('button', { type: 'button', class: 'primary', id: `${id}-send` }, `${action} from ${origin}`);
  button.addEventListener('click', () => {
    agreed.add(key);
    button.remove();
    go();
  });
  return h('div', { class: 'target-gate' }, line,
    h('p', { class: 'hint' }, 'Not the address you expect? Do not continue: ask an admin to check this OS\'s URL.'), button);
}
