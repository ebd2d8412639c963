/** Small DOM helpers shared by the notes page's panels. */
import { fmt } from './format.js';

export { fmt };

/** The element with this id, of this kind; a missing one is a bug in notes.html. */
export function $<T extends HTMLElement>(id: string, kind: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof kind)) throw new Error(`the notes page has no #${id}`);
  return el;
}

/** Text safe inside SVG/HTML markup. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A cell holding a number: readable text, the exact value in data-value (the tests read it). */
export function numberCell(x: number, id?: string): HTMLTableCellElement {
  const td = document.createElement('td');
  if (id !== undefined) td.id = id;
  td.dataset['value'] = String(x);
  td.textContent = fmt(x);
  return td;
}

/** A text cell. */
export function textCell(text: string, header = false): HTMLTableCellElement {
  const td = document.createElement(header ? 'th' : 'td');
  if (header) td.setAttribute('scope', 'row');
  td.textContent = text;
  return td;
}

/**
 * The number in a number input, or a one-line reason it is not one (for the status line).
 * Marks the field aria-invalid while it is wrong.
 */
export function readNumber(input: HTMLInputElement, name: string, check?: (x: number) => string | null): number | string {
  const x = input.value.trim() === '' ? Number.NaN : Number(input.value);
  const problem = !Number.isFinite(x) ? `${name}: enter a number` : check?.(x) ?? null;
  if (problem === null) input.removeAttribute('aria-invalid');
  else input.setAttribute('aria-invalid', 'true');
  return problem ?? x;
}
