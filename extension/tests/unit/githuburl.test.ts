import { describe, expect, it } from 'vitest';
import { describeRepoPage, parseRepoPage } from '../../src/shared/githuburl';

describe('parseRepoPage recognises repository code views', () => {
  const cases: [string, { owner: string; repo: string; kind: string; refPath: string; source: string }][] = [
    ['https://github.com/octo/hello', { owner: 'octo', repo: 'hello', kind: 'root', refPath: '', source: 'https://github.com/octo/hello' }],
    ['https://github.com/octo/hello/', { owner: 'octo', repo: 'hello', kind: 'root', refPath: '', source: 'https://github.com/octo/hello' }],
    ['https://github.com/octo/hello.git', { owner: 'octo', repo: 'hello', kind: 'root', refPath: '', source: 'https://github.com/octo/hello' }],
    ['https://github.com/octo/hello?tab=readme-ov-file#install', { owner: 'octo', repo: 'hello', kind: 'root', refPath: '', source: 'https://github.com/octo/hello' }],
    ['https://www.github.com/octo/hello', { owner: 'octo', repo: 'hello', kind: 'root', refPath: '', source: 'https://github.com/octo/hello' }],
    ['https://github.com/Octo-Org/my.repo_name-2', { owner: 'Octo-Org', repo: 'my.repo_name-2', kind: 'root', refPath: '', source: 'https://github.com/Octo-Org/my.repo_name-2' }],
    ['https://github.com/octo/hello/tree/main', { owner: 'octo', repo: 'hello', kind: 'tree', refPath: 'main', source: 'https://github.com/octo/hello/tree/main' }],
    ['https://github.com/octo/hello/tree/feature/login/services/api', { owner: 'octo', repo: 'hello', kind: 'tree', refPath: 'feature/login/services/api', source: 'https://github.com/octo/hello/tree/feature/login/services/api' }],
    ['https://github.com/octo/hello/tree/v1.2.0/docker/', { owner: 'octo', repo: 'hello', kind: 'tree', refPath: 'v1.2.0/docker', source: 'https://github.com/octo/hello/tree/v1.2.0/docker' }],
    ['https://github.com/octo/hello/tree/main/my%20folder', { owner: 'octo', repo: 'hello', kind: 'tree', refPath: 'main/my folder', source: 'https://github.com/octo/hello/tree/main/my%20folder' }],
    ['https://github.com/octo/hello/blob/main/docker/Dockerfile', { owner: 'octo', repo: 'hello', kind: 'blob', refPath: 'main/docker/Dockerfile', source: 'https://github.com/octo/hello/blob/main/docker/Dockerfile' }],
    ['https://github.com/octo/hello/blob/main/compose.yaml#L12', { owner: 'octo', repo: 'hello', kind: 'blob', refPath: 'main/compose.yaml', source: 'https://github.com/octo/hello/blob/main/compose.yaml' }],
    ['https://github.com/octo/hello/commit/0123456789ABCDEF0123456789abcdef01234567', { owner: 'octo', repo: 'hello', kind: 'commit', refPath: '0123456789abcdef0123456789abcdef01234567', source: 'https://github.com/octo/hello/commit/0123456789abcdef0123456789abcdef01234567' }],
    ['https://github.com/octo/hello/commit/abc1234?diff=split', { owner: 'octo', repo: 'hello', kind: 'commit', refPath: 'abc1234', source: 'https://github.com/octo/hello/commit/abc1234' }],
    ['https://github.com/octo/hello/tree/', { owner: 'octo', repo: 'hello', kind: 'root', refPath: '', source: 'https://github.com/octo/hello' }],
    ['https://github.com/octo/hello/tree/release%2F2.0', { owner: 'octo', repo: 'hello', kind: 'tree', refPath: 'release/2.0', source: 'https://github.com/octo/hello/tree/release/2.0' }],
  ];
  it.each(cases)('%s', (url, want) => {
    const page = parseRepoPage(url);
    expect(page).not.toBeNull();
    expect(page).toMatchObject(want);
    expect(page?.key).toBe(`${want.owner}/${want.repo}`.toLowerCase());
  });
});

describe('parseRepoPage refuses everything else', () => {
  it.each([
    'https://github.com/',
    'https://github.com/octo',
    'https://github.com/features',
    'https://github.com/features/actions',
    'https://github.com/marketplace/actions/checkout',
    'https://github.com/login',
    'https://github.com/login/oauth/authorize',
    'https://github.com/orgs/octo/repositories',
    'https://github.com/settings/profile',
    'https://github.com/notifications',
    'https://github.com/pulls',
    'https://github.com/issues',
    'https://github.com/explore',
    'https://github.com/topics/docker',
    'https://github.com/trending/go',
    'https://github.com/sponsors/octo',
    'https://github.com/search?q=compose',
    'https://github.com/new',
    'https://github.com/codespaces',
    'https://github.com/users/octo/projects/1',
    'https://github.com/octo/hello/settings',
    'https://github.com/octo/hello/settings/branches',
    'https://github.com/octo/hello/issues',
    'https://github.com/octo/hello/issues/42',
    'https://github.com/octo/hello/pull/7/files',
    'https://github.com/octo/hello/pulls',
    'https://github.com/octo/hello/actions',
    'https://github.com/octo/hello/wiki',
    'https://github.com/octo/hello/releases/tag/v1',
    'https://github.com/octo/hello/commit/not-a-sha',
    'https://github.com/octo/hello/tree/main/../../etc',
    'https://github.com/-octo/hello',
    'https://github.com/octo--x-/hello',
    'https://github.com/octo/he%20llo',
    'https://github.com/octo/%E0%A4%A',
    'http://github.com/octo/hello',
    'https://gist.github.com/octo/abcdef',
    'https://gitlab.com/octo/hello',
    'https://github.com.evil.example/octo/hello',
    'not a url',
  ])('%s', (url) => {
    expect(parseRepoPage(url)).toBeNull();
  });
});

describe('describeRepoPage', () => {
  it('labels each view', () => {
    const label = (u: string) => {
      const p = parseRepoPage(u);
      if (!p) throw new Error(`not a repo page: ${u}`);
      return describeRepoPage(p);
    };
    expect(label('https://github.com/octo/hello')).toBe('octo/hello');
    expect(label('https://github.com/octo/hello/tree/dev/docs')).toBe('octo/hello @ dev/docs');
    expect(label('https://github.com/octo/hello/commit/0123456789abcdef0123456789abcdef01234567')).toBe('octo/hello @ 0123456');
  });
});
