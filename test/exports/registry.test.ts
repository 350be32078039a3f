// The signed-download service as a feature uses it: registering a kind, asking for links, and what a
// link then serves (no HTTP here: download.test.ts goes through the server).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDownloads, type DownloadFile } from '../../src/exports/service.js';

const SECRET = 'test-only-export-signing-secret-0123456789';
const TENANT = '11111111-2222-4333-8444-555555555555';

function setup() {
  let now = new Date('2027-03-01T10:00:00Z');
  const downloads = createDownloads({ secret: SECRET, now: () => now });
  const built: { tenantId: string; params: unknown; format: string; now: Date }[] = [];
  const reports = downloads.register('report', {
    params: z.object({ reportId: z.number().int().positive() }),
    formats: ['csv', 'txt'],
    async build(tenantId, params, format, context): Promise<DownloadFile> {
      built.push({ tenantId, params, format, now: context.now });
      return { filename: `report ${params.reportId}.${format}`, contentType: 'text/plain; charset=utf-8', body: `report ${params.reportId}` };
    },
  });
  const tokenOf = (link: string) => link.replace(/^\/exports\//, '');
  return { downloads, reports, built, tokenOf, later: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

const noop = { params: z.object({}), formats: ['txt'] as const, build: async () => null };

describe('registering a download kind', () => {
  it('refuses a second kind under a name already taken', () => {
    const { downloads } = setup();
    expect(() => downloads.register('report', noop)).toThrow(/registered twice/);
  });

  it('refuses a kind name that could not stand in a link', () => {
    const { downloads } = setup();
    expect(() => downloads.register('Rapport Één', noop)).toThrow(/download kind/);
  });

  it('lets only one kind answer the links made before kinds', () => {
    const { downloads } = setup();
    downloads.register('old-a', { ...noop, v1Params: ({ cid }) => ({ cid }) });
    expect(() => downloads.register('old-b', { ...noop, v1Params: ({ cid }) => ({ cid }) })).toThrow(/only one kind/);
  });
});

describe('asking for a link', () => {
  it('refuses params the kind does not accept, so no link is handed out that cannot serve', () => {
    const { reports } = setup();
    expect(() => reports.linkFor(TENANT, { reportId: -1 }, 'csv')).toThrow();
  });

  it('refuses a format the kind does not make', () => {
    const { downloads } = setup();
    expect(() => downloads.linkFor(TENANT, 'report', { reportId: 1 }, 'xlsx')).toThrow(/no format xlsx/);
  });

  it('refuses a kind nobody registered', () => {
    const { downloads } = setup();
    expect(() => downloads.linkFor(TENANT, 'survey', { surveyId: 1 }, 'csv')).toThrow(/not registered/);
  });
});

describe('serving a link', () => {
  it("hands the kind the link's tenant, its params as the schema gives them, the format and the time of the download", async () => {
    const { reports, built, tokenOf, later, downloads } = setup();
    const link = reports.linkFor(TENANT, { reportId: 4, extra: 'dropped' } as { reportId: number }, 'txt');
    later(60_000);
    const answer = await downloads.serve(tokenOf(link));
    expect(answer.status).toBe(200);
    expect(built).toEqual([{ tenantId: TENANT, params: { reportId: 4 }, format: 'txt', now: new Date('2027-03-01T10:01:00Z') }]);
  });

  it('says a link has expired after fifteen minutes, before asking the kind (410)', async () => {
    const { reports, built, tokenOf, later, downloads } = setup();
    const link = reports.linkFor(TENANT, { reportId: 4 }, 'csv');
    later(15 * 60_000);
    expect((await downloads.serve(tokenOf(link))).status).toBe(410);
    expect(built).toEqual([]);
  });
});
