// What a page the extension does not control may ask for: a content script on a web page (or
// the panel frame inside such a page). Web pages can be scripted by others (an XSS, another
// extension), so these requests are cut down to the few a user's click on "Run locally" needs,
// the repository is always the tab's own, and nothing that needs the user's consent
// (allowUnsafe, values, offline, files by path) can be asked for from there.
import { isObject, type Json, type JsonObject, str } from '../shared/json';
import { parseRepoPage, type RepoPage } from '../shared/githuburl';

// The methods, and for each the parameters a web page may send.
const contentParams: Record<string, readonly string[]> = {
  detect: ['source'],
  plan: ['source', 'options'],
  start: ['source', 'options'],
  stop: ['runId'],
  get: ['runId'],
  logs: ['runId', 'service', 'from', 'count'],
  list: [],
};
// The plan/start options the panel offers; everything else needs an extension page.
const contentOptions: Record<string, readonly string[]> = {
  plan: ['mode', 'profiles', 'services', 'primary', 'runtime'],
  start: ['mode', 'profiles', 'services', 'primary', 'runtime', 'idempotencyKey'],
};

export const contentMethods: readonly string[] = Object.keys(contentParams);

export function isContentMethod(method: string): boolean {
  return Object.hasOwn(contentParams, method);
}

// Methods that name a run: the run must be of the tab's repository.
export function namesRun(method: string): boolean {
  return method === 'stop' || method === 'get' || method === 'logs';
}

// Methods that name a repository: the worker puts in the tab's own.
export function namesSource(method: string): boolean {
  return method === 'detect' || method === 'plan' || method === 'start';
}

// Why a web page's request is refused before anything else is looked at, or null.
export function contentProblem(method: string, params: JsonObject): string | null {
  const allowed = contentParams[method];
  if (!allowed) return `Web pages cannot call "${method}".`;
  for (const key of Object.keys(params))
    if (!allowed.includes(key)) return `Web pages cannot send "${key}" with "${method}"; only a RepoRunner extension page can.`;
  const source = params.source;
  // The worker takes the repository from the tab; a page naming anything but a web address
  // (a local path, a file: URL) is up to something.
  if (source !== undefined && (typeof source !== 'string' || !/^https:\/\//i.test(source)))
    return 'A web page can only ask about the repository it shows, never about local paths.';
  if ('options' in params) {
    const options = params.options;
    if (!isObject(options)) return 'The options must be an object.';
    const allowedOptions = contentOptions[method] ?? [];
    for (const key of Object.keys(options))
      if (!allowedOptions.includes(key))
        return `"${key}" can only be set from a RepoRunner extension page, after you confirm what it allows.`;
  }
  if (namesRun(method) && !str(params, 'runId')) return `"${method}" needs a run id.`;
  return null;
}

// The repository a run record belongs to ("owner/repo" for github.com), or null.
export function runRepoKey(run: Json | undefined, enterpriseHosts: readonly string[] = []): string | null {
  if (!isObject(run)) return null;
  return parseRepoPage(str(run, 'source'), enterpriseHosts)?.key ?? null;
}

// https://user:token@host/… → https://host/…: a source never carries credentials to a page.
export function withoutCredentials(source: string): string {
  try {
    const url = new URL(source);
    if (!url.username && !url.password) return source;
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return source.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
  }
}

// A run record as a web page gets it: what the panel shows, nothing else.
const runFields = ['id', 'source', 'owner', 'repo', 'ref', 'commit', 'mode', 'runtime', 'state', 'createdAt', 'updatedAt', 'phases', 'endpoints', 'services', 'previewUrl', 'diagnosis'];
export function pageRun(run: Json | undefined): Json {
  if (!isObject(run)) return null;
  const out: JsonObject = {};
  for (const key of runFields) {
    const value = run[key];
    if (value !== undefined) out[key] = value;
  }
  if (typeof out.source === 'string') out.source = withoutCredentials(out.source);
  return out;
}

export type { RepoPage };
