import { describe, expect, it } from 'vitest';
import { isPreviewUrl } from '../../src/shared/dom';

describe('link targets', () => {
  it('are only loopback previews over http', () => {
    for (const ok of ['http://127.0.0.1:8080/', 'http://127.77.3.9:30001/app?x=1', 'http://127.0.0.1:1'])
      expect(isPreviewUrl(ok), ok).toBe(true);
    for (const bad of [
      'javascript:alert(1)',
      'https://127.0.0.1:8080/',
      'http://evil.example/',
      'http://127.0.0.1.evil.example/',
      'http://user:pw@127.0.0.1:80/',
      'http://localhost:8080/',
      'file:///etc/passwd',
      'data:text/html,<script>1</script>',
      'http://[::1]:80/',
      '',
    ])
      expect(isPreviewUrl(bad), bad).toBe(false);
  });
});
