// Small DOM helpers: every element is built with createElement and text nodes (never innerHTML),
// so nothing the API or an AgentOS answers can become markup or script; and every text goes
// through `inert`, so it cannot reorder or hide what the reader sees either.

let nextId = 0;

// Unicode Cc and Cf (ESC, NUL, zero-width characters, the bidi overrides U+202A–U+202E and
// isolates U+2066–U+2069) and the line/paragraph separators: the characters the server refuses
// in names (docs/security.md, "Names are inert text"); rows written before that rule, and echoes
// of hostile input in error messages, still arrive here.
const CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const CONTROL_BUT_NEWLINE = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * `text` made inert: each control or formatting character becomes a visible `\u{1b}` escape (the
 * CLI's form, so both show the same row the same way). `keepNewlines` keeps `\n` for multi-line
 * blocks (a PEM, a .env, an agent's answer). The only way text reaches the page: h(), lines(),
 * showError() and ask() use it.
 */
export function inert(text, { keepNewlines = false } = {}) {
  return textOf(text).replace(keepNewlines ? CONTROL_BUT_NEWLINE : CONTROL, (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
}

/**
 * Any value as text, never throwing: an OS's answer can hold an object where a name belongs, and
 * String() of `{"toString": 1}` throws (which would stop the page mid-render). Non-strings are
 * written as JSON; what JSON cannot write is `?`.
 */
function textOf(value) {
  if (typeof value === 'string') return value;
  try { return JSON.stringify(value) ?? '?'; } catch { return '?'; }
}

/** A text node that keeps its line breaks (for <pre> and answers); otherwise as `inert`. */
export function lines(text) {
  return document.createTextNode(inert(text, { keepNewlines: true }));
}

/** `confirm()` with the question made inert: a name in it must not rewrite the dialog either. */
export function ask(question) {
  return confirm(inert(question));
}

// Attributes the browser shows as text (an input's value, a tooltip, what a screen reader reads).
// An <option>'s value is not shown: it is the identifier sent back to the API, so it stays exact.
const SHOWN = new Set(['value', 'placeholder', 'title', 'aria-label', 'alt']);

/** h('button', {class: 'primary', onclick: fn}, 'Save') */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = inert(value);
    else if (key in el && typeof value !== 'string') el[key] = value;
    else if (SHOWN.has(key) && !(key === 'value' && tag === 'option')) el.setAttribute(key, inert(value));
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(inert(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A labelled input, select or textarea, with its error line right under it. */
export function field(form, { name, label, type = 'text', value = '', required = false, options, hint, placeholder, autocomplete, rows, match }) {
  const id = `${form}-${name}`;
  let control;
  if (options) {
    control = h('select', { id, name, required });
    for (const option of options) {
      const [v, text] = Array.isArray(option) ? option : [option, option];
      control.append(h('option', { value: v, selected: v === value }, text));
    }
  } else if (type === 'textarea') {
    control = h('textarea', { id, name, required, rows: rows ?? 3, placeholder }, value);
  } else if (type === 'checkbox') {
    control = h('input', { id, name, type, checked: !!value });
    return h('div', { class: 'field checkbox' }, control, h('label', { for: id }, label),
      hint ? h('p', { class: 'hint' }, hint) : null, h('p', { class: 'error', id: `${id}-error`, 'aria-live': 'polite' }));
  } else {
    control = h('input', { id, name, type, value, required, placeholder, autocomplete });
  }
  control.setAttribute('aria-describedby', `${id}-error`);
  if (match) control.dataset.match = match;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control,
    hint ? h('p', { class: 'hint' }, hint) : null, h('p', { class: 'error', id: `${id}-error`, 'aria-live': 'polite' }));
}

/**
 * A form whose submit calls `onSubmit(values)`; an error is shown next to the field it names
 * (`'field'` in the API's message, or `error.field`), otherwise above the button.
 */
export function form(name, fields, submit, onSubmit, { extra } = {}) {
  const status = h('p', { class: 'error form-error', id: `${name}-error`, 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'primary', id: `${name}-submit` }, submit);
  const el = h('form', { id: name, novalidate: true }, fields, extra, status, h('div', { class: 'actions' }, button));
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const error of el.querySelectorAll('.error')) error.textContent = '';
    for (const bad of el.querySelectorAll('[aria-invalid]')) bad.removeAttribute('aria-invalid');
    const values = {};
    for (const control of el.elements) {
      if (!control.name) continue;
      values[control.name] = control.type === 'checkbox' ? control.checked : control.value.trim();
    }
    const missing = [...el.elements].find((c) => c.required && !c.value.trim());
    if (missing) return showError(el, name, { field: missing.name, message: 'required' });
    button.disabled = true;
    try {
      await onSubmit(values, el);
    } catch (error) {
      showError(el, name, error);
    } finally {
      button.disabled = false;
    }
  });
  return el;
}

export function showError(el, name, error) {
  const message = error.message || String(error);
  const names = [...el.elements].map((c) => c.name).filter(Boolean);
  const lower = message.toLowerCase();
  const target = error.field
    ?? [...el.elements].find((c) => c.dataset?.match && lower.includes(c.dataset.match))?.name
    ?? names.find((n) => message.includes(`'${n}'`) || lower.startsWith(`${n} `) || lower.startsWith(`${n.replace(/_/g, ' ')} `))
    ?? (names.length === 1 ? names[0] : undefined);
  const line = target && el.querySelector(`#${name}-${target}-error`);
  if (line) {
    line.textContent = inert(message);
    el.querySelector(`#${name}-${target}`)?.setAttribute('aria-invalid', 'true');
    el.querySelector(`#${name}-${target}`)?.focus();
  } else {
    el.querySelector(`#${name}-error`).textContent = inert(message);
  }
}

/** A modal dialog (native <dialog>: focus trapped, Esc closes). */
export function modal(title, ...content) {
  const close = h('button', { type: 'button', class: 'close', 'aria-label': 'Close', id: 'modal-close' }, 'Close');
  const dialog = h('dialog', { class: 'modal', 'aria-labelledby': `modal-title-${++nextId}` },
    h('header', {}, h('h2', { id: `modal-title-${nextId}` }, title), close), h('div', { class: 'modal-body' }, content));
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

/** Copies `text`; the button says whether it worked. */
export function copyButton(text, label = 'Copy', id) {
  const button = h('button', { type: 'button', class: 'copy', id }, label);
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(typeof text === 'function' ? text() : text);
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Select and copy by hand';
    }
    setTimeout(() => { button.textContent = label; }, 2000);
  });
  return button;
}

/** Offers `text` as a file download (a blob: URL, revoked right after). */
export function downloadButton(text, filename, label, id) {
  const button = h('button', { type: 'button', id }, label);
  button.addEventListener('click', () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const link = h('a', { href: url, download: filename });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  return button;
}

/** A secret shown once: read-only text, a copy button, and a warning that it will not come back. */
export function secret(label, value, id) {
  return h('div', { class: 'secret' },
    h('label', { for: id }, label),
    h('div', { class: 'secret-row' }, h('input', { id, value, readonly: true, spellcheck: 'false' }), copyButton(value, 'Copy', `${id}-copy`)),
    h('p', { class: 'hint' }, 'Shown once: copy it now; the control plane keeps only a hash.'));
}

/** A block of text (PEM, env file) with a copy button. */
export function codeBlock(label, text, id) {
  return h('div', { class: 'code' },
    h('div', { class: 'code-head' }, h('span', {}, label), copyButton(text, 'Copy', `${id}-copy`)),
    h('pre', { id, tabindex: 0 }, lines(text)));
}

export function table(headers, rows, empty) {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c) => h('td', {}, c)))))));
}

export function age(iso) {
  if (!iso) return '—';
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 129600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}

export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** What a page shows until its first fetch answers: never a blank page (app.js puts it in <main>). */
export function loading(text = 'Loading…') {
  return h('p', { class: 'loading', role: 'status', 'aria-busy': 'true', id: 'loading' }, text);
}

export function notice(text, kind = 'info') {
  return h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function section(title, ...content) {
  return h('section', { class: 'card' }, h('h2', {}, title), content);
}

/** A button running `run`; a failure is shown right after it. */
export function removeButton(id, run, label = 'Remove', kind = 'danger') {
  const button = h('button', { type: 'button', class: kind, id }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try { await run(); } catch (error) { button.after(notice(error.message, 'error')); } finally { button.disabled = false; }
  });
  return button;
}
