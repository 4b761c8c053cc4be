// Calls back when GitHub's client-side navigation may have changed the page: Turbo's events,
// history traversal, the Navigation API, and DOM mutations (which is also how a header
// re-rendered without our button is noticed). No timers poll anything.
export class PageWatcher {
  private scheduled = false;
  private readonly observer: MutationObserver;
  private readonly onSignal = () => this.schedule();
  private static readonly events = ['turbo:load', 'turbo:render', 'turbo:frame-load', 'pjax:end', 'popstate', 'pageshow'];

  constructor(private readonly check: () => void) {
    this.observer = new MutationObserver(() => this.schedule());
  }

  start(): void {
    for (const e of PageWatcher.events) window.addEventListener(e, this.onSignal, true);
    document.addEventListener('turbo:load', this.onSignal, true);
    const nav = (window as Window & { navigation?: EventTarget }).navigation;
    nav?.addEventListener('currententrychange', this.onSignal);
    nav?.addEventListener('navigatesuccess', this.onSignal);
    this.observer.observe(document.documentElement, { childList: true, subtree: true });
    this.check();
  }

  stop(): void {
    for (const e of PageWatcher.events) window.removeEventListener(e, this.onSignal, true);
    document.removeEventListener('turbo:load', this.onSignal, true);
    const nav = (window as Window & { navigation?: EventTarget }).navigation;
    nav?.removeEventListener('currententrychange', this.onSignal);
    nav?.removeEventListener('navigatesuccess', this.onSignal);
    this.observer.disconnect();
  }

  // Many mutations arrive per navigation; look once they have settled into a frame.
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      this.check();
    }, 30);
  }
}
