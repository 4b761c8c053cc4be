// Puts the panel into the GitHub page as an extension-origin frame (src/panel), sized to its
// content, and takes it away again. The frame reports its height and asks to be closed through
// window.postMessage; only messages from that frame, with our extension's origin, count.
import type { RepoPage } from '../shared/githuburl';
import { panelMessage } from '../shared/messages';

const frameCss: Record<string, string> = {
  position: 'fixed',
  top: '112px',
  right: '16px',
  width: '440px',
  height: '160px',
  'max-height': 'calc(100vh - 128px)',
  border: '0',
  'border-radius': '8px',
  'box-shadow': '0 8px 24px rgba(140,149,159,.3)',
  'z-index': '2147483000',
  background: 'transparent',
  display: 'block',
  visibility: 'visible',
  opacity: '1',
};

export class PanelFrame {
  readonly frame: HTMLIFrameElement;
  private readonly origin = new URL(chrome.runtime.getURL('')).origin;
  private readonly onMessage = (event: MessageEvent) => this.message(event);
  private closed = false;

  constructor(
    readonly page: RepoPage,
    private readonly onClosed: () => void,
  ) {
    const url = new URL(chrome.runtime.getURL('panel.html'));
    url.searchParams.set('page', location.href);
    this.frame = document.createElement('iframe');
    this.frame.dataset.rr = 'panel-frame';
    this.frame.title = 'RepoRunner';
    // The page's style sheets must not hide, shrink or cover it.
    for (const [property, value] of Object.entries(frameCss)) this.frame.style.setProperty(property, value, 'important');
    this.frame.src = url.toString();
    window.addEventListener('message', this.onMessage);
    document.documentElement.append(this.frame);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    window.removeEventListener('message', this.onMessage);
    this.frame.remove();
    this.onClosed();
  }

  private message(event: MessageEvent): void {
    if (event.source !== this.frame.contentWindow || event.origin !== this.origin) return;
    const data: unknown = event.data;
    if (typeof data !== 'object' || data === null) return;
    const m = (data as Record<string, unknown>)[panelMessage] as { kind?: unknown; height?: unknown } | undefined;
    if (m?.kind === 'close') this.close();
    else if (m?.kind === 'height' && typeof m.height === 'number' && Number.isFinite(m.height))
      this.frame.style.setProperty('height', `${Math.max(40, Math.min(4000, Math.round(m.height)))}px`, 'important');
  }
}
