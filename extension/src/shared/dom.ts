// A tiny element builder. Text always goes in through textContent: log lines, names and
// messages come from untrusted repositories and must never be parsed as HTML.
type Child = Node | string | null | undefined | false;

// The only links the extension draws go to a run's previews, which the engine publishes on
// loopback: http://127.x.y.z:port/…. Anything else a run record says (javascript:, a phishing
// site, file:) is shown as text, never as a link.
export function isPreviewUrl(href: string): boolean {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname) && url.username === '' && url.password === '';
}

export interface Props {
  class?: string;
  rr?: string; // data-rr: stable hooks for tests and styles
  title?: string;
  href?: string;
  target?: string;
  type?: string;
  name?: string;
  value?: string;
  checked?: boolean;
  disabled?: boolean;
  selected?: boolean;
  onClick?: (event: Event) => void; // called for trusted clicks only
  onChange?: (event: Event) => void;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.rr) el.dataset.rr = props.rr;
  if (props.title) el.title = props.title;
  if (props.href !== undefined && el instanceof HTMLAnchorElement && isPreviewUrl(props.href)) {
    el.href = props.href;
    el.rel = 'noopener noreferrer';
  }
  if (props.target && el instanceof HTMLAnchorElement) el.target = props.target;
  if (el instanceof HTMLInputElement || el instanceof HTMLButtonElement) {
    if (props.type) el.type = props.type;
    if (props.disabled) el.disabled = true;
  }
  if (el instanceof HTMLInputElement) {
    if (props.name) el.name = props.name;
    if (props.value !== undefined) el.value = props.value;
    if (props.checked) el.checked = true;
  }
  if (el instanceof HTMLSelectElement && props.disabled) el.disabled = true;
  if (el instanceof HTMLOptionElement) {
    if (props.value !== undefined) el.value = props.value;
    if (props.selected) el.selected = true;
  }
  // Only a user's own click counts: a script's el.click() or dispatchEvent makes an untrusted
  // event, and nothing the extension does may start from one.
  const onClick = props.onClick;
  if (onClick) el.addEventListener('click', (event) => event.isTrusted && onClick(event));
  if (props.onChange) el.addEventListener('change', props.onChange);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}
