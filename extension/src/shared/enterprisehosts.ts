// GitHub Enterprise hosts: optional host permissions requested at the user's click, and the
// content script registered for each granted host (github.com's is in the manifest).
export const enterpriseHostsKey = 'reporunner.gheHosts';

// "https://GitHub.Example.com/foo" → "github.example.com"; null for what is not a host name.
export function normaliseHost(input: string): string | null {
  const text = input.trim().toLowerCase();
  if (!text) return null;
  let host: string;
  try {
    host = new URL(text.includes('://') ? text : `https://${text}`).host;
  } catch {
    return null;
  }
  if (!/^[a-z0-9.-]+(:\d+)?$/.test(host) || !host.includes('.') || host === 'github.com' || host === 'www.github.com') return null;
  return host;
}

const scriptId = (host: string) => `reporunner-ghe-${host.replace(/[^a-z0-9]/g, '-')}`;

export async function storedHosts(): Promise<string[]> {
  const s = await chrome.storage.local.get(enterpriseHostsKey);
  const v = s[enterpriseHostsKey];
  return Array.isArray(v) ? v.filter((h): h is string => typeof h === 'string') : [];
}

export async function addEnterpriseHost(host: string): Promise<boolean> {
  const origins = [`https://${host}/*`];
  const granted = await chrome.permissions.request({ origins, permissions: ['scripting'] });
  if (!granted) return false;
  const existing = await chrome.scripting.getRegisteredContentScripts({ ids: [scriptId(host)] });
  if (existing.length === 0)
    await chrome.scripting.registerContentScripts([{ id: scriptId(host), matches: origins, js: ['content.js'], runAt: 'document_idle', persistAcrossSessions: true }]);
  const hosts = await storedHosts();
  if (!hosts.includes(host)) await chrome.storage.local.set({ [enterpriseHostsKey]: [...hosts, host].sort() });
  return true;
}

export async function removeEnterpriseHost(host: string): Promise<void> {
  await chrome.storage.local.set({ [enterpriseHostsKey]: (await storedHosts()).filter((h) => h !== host) });
  if (chrome.scripting) await chrome.scripting.unregisterContentScripts({ ids: [scriptId(host)] }).catch(() => {});
  await chrome.permissions.remove({ origins: [`https://${host}/*`] }).catch(() => false);
}
