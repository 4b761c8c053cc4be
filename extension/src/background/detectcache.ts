// Remembers `detect` answers for a while so GitHub's client-side navigation between views of
// one repository does not ask the engine again; concurrent asks for one key share one request.
import type { Json } from '../shared/json';

interface Entry {
  at: number;
  value: Promise<Json>;
  settled: boolean;
}

export class DetectCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly now: () => number = () => Date.now(),
    private readonly maxEntries = 64,
  ) {}

  get(key: string, load: () => Promise<Json>): Promise<Json> {
    const hit = this.entries.get(key);
    if (hit && (!hit.settled || this.now() - hit.at < this.ttlMs)) return hit.value;
    const entry: Entry = { at: this.now(), value: load(), settled: false };
    this.entries.set(key, entry);
    entry.value.then(
      () => {
        entry.settled = true;
        entry.at = this.now();
      },
      () => {
        // Failures are not remembered: the next look may find the app running.
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return entry.value;
  }

  clear(): void {
    this.entries.clear();
  }
}
