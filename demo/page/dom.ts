/** Tiny DOM helpers. Text always goes in as text (textContent), never as HTML. */

type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** Create an element with attributes, event handlers (`onclick`, …) and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Node | string | null | undefined | false>
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(key.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(key, '');
    else element.setAttribute(key, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

/** Set an element's text (never HTML). */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/** Mirror a value on a `data-*` attribute (handy for CSS and for tests). */
export function setData(element: HTMLElement, name: string, value: string | number | boolean | null): void {
  const text = value === null ? '' : String(value);
  if (element.dataset[name] !== text) element.dataset[name] = text;
}

/** `mm:ss` from whole seconds. */
export function clock(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}
