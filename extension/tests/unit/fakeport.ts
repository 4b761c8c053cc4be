// A chrome.runtime.Port stand-in: records what is posted and lets the test answer or drop it.
import type { PortLike } from '../../src/shared/portlike';

export class FakePort implements PortLike {
  readonly posted: unknown[] = [];
  disconnected = false;
  private readonly messageListeners: ((m: unknown) => void)[] = [];
  private readonly disconnectListeners: (() => void)[] = [];

  postMessage(message: unknown): void {
    if (this.disconnected) throw new Error('Attempting to use a disconnected port object');
    this.posted.push(message);
  }
  disconnect(): void {
    this.disconnected = true;
  }
  onMessage = { addListener: (l: (m: unknown) => void) => void this.messageListeners.push(l) };
  onDisconnect = { addListener: (l: () => void) => void this.disconnectListeners.push(l) };

  // The other side sends something.
  deliver(message: unknown): void {
    for (const l of this.messageListeners) l(message);
  }
  // The other side goes away.
  drop(): void {
    this.disconnected = true;
    for (const l of this.disconnectListeners) l();
  }
  requests(): { id: number; method: string; params: unknown }[] {
    return this.posted as { id: number; method: string; params: unknown }[];
  }
  lastRequest(method: string): { id: number; method: string; params: unknown } {
    const found = this.requests().filter((r) => r.method === method).at(-1);
    if (!found) throw new Error(`no ${method} request was posted; posted: ${JSON.stringify(this.posted)}`);
    return found;
  }
}
