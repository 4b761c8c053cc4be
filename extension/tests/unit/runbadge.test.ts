import { describe, expect, it } from 'vitest';
import { badgeColors, RunBadge } from '../../src/background/runbadge';

function recorder() {
  const calls = { text: [] as string[], color: [] as string[] };
  const badge = new RunBadge({
    setBadgeText: ({ text }) => void calls.text.push(text),
    setBadgeBackgroundColor: ({ color }) => void calls.color.push(color),
  });
  return { badge, calls };
}

const run = (id: string, state: string) => ({ id, state, phases: [], endpoints: [], services: [] });

describe('RunBadge', () => {
  it('counts active runs from list replies and live updates', () => {
    const { badge, calls } = recorder();
    badge.seeList({ runs: [run('a', 'READY'), run('b', 'BUILDING'), run('c', 'STOPPED')] });
    expect(calls.text.at(-1)).toBe('2');
    expect(calls.color.at(-1)).toBe(badgeColors.active);
    badge.seeRun(run('a', 'STOPPED'));
    expect(calls.text.at(-1)).toBe('1');
    badge.seeRun(run('b', 'STOPPED'));
    expect(calls.text.at(-1)).toBe('');
  });

  it('turns red on a failure it saw happen, until the popup is opened', () => {
    const { badge, calls } = recorder();
    badge.seeList({ runs: [run('old', 'FAILED')] });
    expect(calls.color.at(-1)).toBe(badgeColors.active); // an old failure is not news
    badge.seeRun(run('a', 'BUILDING'));
    badge.seeRun(run('b', 'QUEUED'));
    badge.seeRun(run('a', 'FAILED'));
    expect(calls.text.at(-1)).toBe('1');
    expect(calls.color.at(-1)).toBe(badgeColors.failed);
    badge.seeRun(run('b', 'STOPPED'));
    expect(calls.text.at(-1)).toBe('!');
    badge.acknowledge();
    expect(calls.text.at(-1)).toBe('');
    expect(calls.color.at(-1)).toBe(badgeColors.active);
  });

  it('ignores records it cannot read and does not repaint for nothing', () => {
    const { badge, calls } = recorder();
    badge.seeRun({ nonsense: true });
    badge.seeRun(run('a', 'READY'));
    badge.seeRun(run('a', 'READY'));
    expect(calls.text).toEqual(['1']);
  });
});
