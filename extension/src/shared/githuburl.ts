// Which github.com pages are a repository's code views, and what the engine should fetch for them.

export type RepoPageKind = 'root' | 'tree' | 'blob' | 'commit';

export interface RepoPage {
  owner: string;
  repo: string;
  kind: RepoPageKind;
  // What follows /tree/, /blob/ or /commit/, decoded: "<ref>/<path>" (a ref may itself contain
  // '/', so only the engine, which knows the remote's refs, can split it) or the commit id.
  refPath: string;
  // What the engine's `detect`, `plan` and `start` take as `source`.
  source: string;
  // Identifies the repository regardless of the view: "owner/repo", lower-cased.
  key: string;
}

// First path segments that are GitHub's own pages, never a user or organisation.
const reservedOwners = new Set([
  'about', 'account', 'advisories', 'apps', 'articles', 'blog', 'business', 'codespaces',
  'collections', 'contact', 'copilot', 'customer-stories', 'dashboard', 'developer', 'discussions',
  'downloads', 'edu', 'education', 'enterprise', 'enterprises', 'events', 'explore', 'features',
  'gist', 'github-copilot', 'home', 'images', 'issues', 'join', 'login', 'logout', 'maintenance',
  'marketplace', 'mobile', 'new', 'nonprofit', 'notifications', 'open-source', 'organizations',
  'orgs', 'partners', 'password_reset', 'premium-support', 'pricing', 'pulls', 'readme',
  'repositories', 'resources', 'search', 'security', 'sessions', 'settings', 'signup', 'site',
  'solutions', 'sponsors', 'stars', 'team', 'teams', 'topics', 'trending', 'users', 'watching',
  'why-github', 'assets', 'favicon.ico', 'robots.txt', 'sitemap.xml', '.well-known',
]);

// Views under /owner/repo/ that show the code at some ref; every other tab (issues, pulls,
// actions, settings, wiki…) is not a place to offer a run.
const codeViews = new Set<RepoPageKind>(['tree', 'blob', 'commit']);

const ownerPattern = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const repoPattern = /^[A-Za-z0-9._-]{1,100}$/;
const commitPattern = /^[0-9a-fA-F]{7,40}$/;

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

// `enterpriseHosts`: GitHub Enterprise host names the user granted on the options page; their
// pages are read like github.com's.
export function parseRepoPage(href: string, enterpriseHosts: readonly string[] = []): RepoPage | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  const github = url.hostname === 'github.com' || url.hostname === 'www.github.com';
  if (url.protocol !== 'https:' || !(github || enterpriseHosts.includes(url.host.toLowerCase()))) return null;
  const raw = url.pathname.split('/').filter((s) => s.length > 0);
  const segments: string[] = [];
  for (const s of raw) {
    const decoded = decodeSegment(s);
    if (decoded === null) return null;
    segments.push(decoded);
  }
  const [owner, repoRaw, view, ...rest] = segments;
  if (owner === undefined || repoRaw === undefined) return null;
  if (reservedOwners.has(owner.toLowerCase()) || !ownerPattern.test(owner)) return null;
  const repo = repoRaw.endsWith('.git') ? repoRaw.slice(0, -4) : repoRaw;
  if (!repoPattern.test(repo) || repo === '.' || repo === '..') return null;

  let kind: RepoPageKind = 'root';
  let refPath = '';
  if (view !== undefined) {
    if (!codeViews.has(view as RepoPageKind)) return null;
    kind = view as RepoPageKind;
    if (rest.some((s) => s === '.' || s === '..')) return null;
    refPath = rest.join('/');
    if (refPath === '') {
      kind = 'root'; // "/o/r/tree/" alone shows the default branch
    } else if (kind === 'commit' && !commitPattern.test(rest[0] ?? '')) {
      return null;
    } else if (kind === 'commit') {
      refPath = (rest[0] ?? '').toLowerCase();
    }
  }
  const host = github ? 'github.com' : url.host.toLowerCase();
  const base = `https://${host}/${owner}/${repo}`;
  const source =
    kind === 'root' ? base : `${base}/${kind}/${refPath.split('/').map(encodeURIComponent).join('/')}`;
  return { owner, repo, kind, refPath, source, key: (github ? `${owner}/${repo}` : `${host}/${owner}/${repo}`).toLowerCase() };
}

// A short human label: "owner/repo", "owner/repo @ dev/docs", "owner/repo @ 1a2b3c4".
export function describeRepoPage(page: RepoPage): string {
  const name = `${page.owner}/${page.repo}`;
  if (page.kind === 'root') return name;
  if (page.kind === 'commit') return `${name} @ ${page.refPath.slice(0, 7)}`;
  return `${name} @ ${page.refPath}`;
}
