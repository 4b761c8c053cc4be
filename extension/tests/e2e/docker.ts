// Just enough of the Docker Engine API (over its unix socket) for the test's own checks.
import { request } from 'node:http';

const socketPath = process.env.DOCKER_HOST?.startsWith('unix://') ? process.env.DOCKER_HOST.slice(7) : '/var/run/docker.sock';

export function dockerApi(method: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method, headers: { Host: 'localhost' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`docker ${method} ${path} timed out`)));
    req.end();
  });
}

export async function dockerAnswers(): Promise<boolean> {
  try {
    return (await dockerApi('GET', '/_ping')).status === 200;
  } catch {
    return false;
  }
}

export async function imageExists(name: string): Promise<boolean> {
  return (await dockerApi('GET', `/images/${encodeURIComponent(name)}/json`)).status === 200;
}

function labelFilter(label: string): string {
  return encodeURIComponent(JSON.stringify({ label: [label] }));
}

// Containers (running or not) carrying a label, e.g. "reporunner.dev/run-id=abc".
export async function containersWithLabel(label: string): Promise<{ Id: string; Names: string[]; State: string; Labels: Record<string, string> }[]> {
  const r = await dockerApi('GET', `/containers/json?all=1&filters=${labelFilter(label)}`);
  if (r.status !== 200) throw new Error(`docker ps failed: ${r.status} ${r.body}`);
  return JSON.parse(r.body) as { Id: string; Names: string[]; State: string; Labels: Record<string, string> }[];
}

export async function networksWithLabel(label: string): Promise<{ Id: string; Name: string }[]> {
  const r = await dockerApi('GET', `/networks?filters=${labelFilter(label)}`);
  if (r.status !== 200) throw new Error(`docker network ls failed: ${r.status} ${r.body}`);
  return JSON.parse(r.body) as { Id: string; Name: string }[];
}

// Safety net for a failed test: what a run left behind must not outlive the test.
export async function removeLabelled(label: string): Promise<void> {
  for (const c of await containersWithLabel(label)) await dockerApi('DELETE', `/containers/${c.Id}?force=1&v=1`);
  for (const n of await networksWithLabel(label)) await dockerApi('DELETE', `/networks/${n.Id}`);
}
