// DOM helpers. Text from data only ever goes through textContent, never innerHTML.
type Attrs = Record<string, string | number | boolean | undefined>;
export type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(element: Element): void {
  while (element.firstChild) element.removeChild(element.firstChild);
}

// A link inside the app ("#/hosts/ID"); the id is URI-encoded, the label is text. dir=auto isolates
// the label (a host name, an id) so it keeps its own direction on an Arabic page.
export function link(route: string, label: Child): HTMLAnchorElement {
  return h('a', { href: `#${route}`, dir: 'auto' }, label);
}
