// The toolbar badge: how many runs are active, red once one failed until the user looks (opens
// the popup). Fed by the worker with every run record it sees: list replies and run.updated events.
import { isObject, type Json } from '../shared/json';
import { isTerminal, parseRun, parseRuns, type RunInfo } from '../shared/run';

export interface BadgeSink {
  setBadgeText(details: { text: string }): Promise<void> | void;
  setBadgeBackgroundColor(details: { color: string }): Promise<void> | void;
}

export const badgeColors = { active: '#0969da', failed: '#cf222e' } as const;

export class RunBadge {
  private readonly states = new Map<string, RunInfo['state']>();
  private readonly unseenFailures = new Set<string>();
  private shown = '';

  constructor(private readonly sink: BadgeSink) {}

  get activeCount(): number {
    return [...this.states.values()].filter((s) => !isTerminal(s)).length;
  }

  // A full list replaces what we knew; failures in it are old news unless we saw them happen.
  seeList(reply: Json | undefined): void {
    const runs = parseRuns(reply);
    this.states.clear();
    for (const r of runs) this.states.set(r.id, r.state);
    this.render();
  }

  seeRun(value: Json | undefined): void {
    const run = parseRun(isObject(value) ? value : undefined);
    if (!run) return;
    const before = this.states.get(run.id);
    this.states.set(run.id, run.state);
    if (run.state === 'FAILED' && before !== 'FAILED') this.unseenFailures.add(run.id);
    this.render();
  }

  // The user opened the popup, which lists the failure.
  acknowledge(): void {
    this.unseenFailures.clear();
    this.render();
  }

  private render(): void {
    const failed = this.unseenFailures.size > 0;
    const active = this.activeCount;
    const text = active > 0 ? String(active) : failed ? '!' : '';
    const key = `${text}|${failed}`;
    if (key === this.shown) return;
    this.shown = key;
    void this.sink.setBadgeBackgroundColor({ color: failed ? badgeColors.failed : badgeColors.active });
    void this.sink.setBadgeText({ text });
  }
}
