// Which addresses Cadans fetches a file from: SharePoint/OneDrive, and in local mode the playground's own.
import { describe, expect, it } from 'vitest';
import { isAllowedDownloadUrl } from '../../src/teams/files.js';

describe('file download addresses', () => {
  it.each([
    ['https://stichting.sharepoint.com/sites/x/a.yaml', null, true],
    ['https://stichting-my.sharepoint.com/personal/a.yaml', null, true],
    ['http://stichting.sharepoint.com/a.yaml', null, false],
    ['https://sharepoint.com.evil.example/a.yaml', null, false],
    ['http://127.0.0.1:56150/a.yaml', null, false],
    ['http://127.0.0.1:56150/a.yaml', 56150, true],
    ['http://localhost:56150/a.yaml', 56150, true],
    ['http://127.0.0.1:5432/a.yaml', 56150, false],
    ['http://127.0.0.1/a.yaml', 56150, false],
    ['http://localhost:9229/json', 56150, false],
    ['http://user:pw@127.0.0.1:56150/a.yaml', 56150, false],
    ['http://10.0.0.1:56150/a.yaml', 56150, false],
    ['file:///etc/passwd', 56150, false],
  ] as const)('%s with playground port %s: %s', (url, port, allowed) => {
    expect(isAllowedDownloadUrl(url, port)).toBe(allowed);
  });
});
