// Serves GitHub-like pages for https://github.com/** from the fixtures, through Playwright's
// request interception: GitHub itself is never contacted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Route } from 'playwright-core';

export interface StubRepo {
  description: string;
  files: string[];
  // false: a header without Watch/Fork/Star (a layout the extension does not know).
  headerActions: boolean;
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export class GitHubStub {
  readonly repos = new Map<string, StubRepo>(); // "owner/repo" -> page content
  readonly requests: string[] = [];
  private readonly repoPage: string;
  private readonly actions: string;
  private readonly otherPage: string;

  constructor(fixtures: string) {
    this.repoPage = readFileSync(join(fixtures, 'repo-page.html'), 'utf8');
    this.actions = readFileSync(join(fixtures, 'repo-actions.html'), 'utf8');
    this.otherPage = readFileSync(join(fixtures, 'other-page.html'), 'utf8');
  }

  async install(context: BrowserContext): Promise<void> {
    await context.route('https://github.com/**', (route) => this.serve(route));
  }

  render(path: string): { status: number; html: string } {
    const [owner = '', repo = '', view = ''] = path.split('/').filter(Boolean);
    const key = `${owner}/${repo}`;
    const stub = this.repos.get(key);
    // Variants of one repository: /tree/<ref> pages of "owner/repo" may use another layout.
    const variant = this.repos.get(`${key}/${view}`) ?? stub;
    if (stub && variant) {
      const fill = (s: string) =>
        s
          .replaceAll('{{actions}}', variant.headerActions ? this.actions : '')
          .replaceAll('{{files}}', variant.files.map((f) => `<tr><td>${escape(f)}</td></tr>`).join(''))
          .replaceAll('{{owner}}', escape(owner))
          .replaceAll('{{repo}}', escape(repo))
          .replaceAll('{{description}}', escape(variant.description));
      return { status: 200, html: fill(this.repoPage) };
    }
    const title = path.split('/').filter(Boolean)[0] ?? 'GitHub';
    return { status: stub === undefined && repo !== '' && !['features', 'marketplace', 'orgs', 'settings'].includes(owner) ? 404 : 200, html: this.otherPage.replaceAll('{{title}}', escape(title)) };
  }

  private async serve(route: Route): Promise<void> {
    const url = new URL(route.request().url());
    this.requests.push(url.pathname);
    const { status, html } = this.render(url.pathname);
    await route.fulfill({ status, contentType: 'text/html; charset=utf-8', body: html });
  }
}
