// Privacy (AVG, docs/privacy.md): the one public entry. A person's export (signed link, kind
// `person-data`) and erase, over every feature's PersonalDataHolder (ports.ts).
import { z } from 'zod';
import type { Logger } from 'pino';
import type { Db } from '../db/pool.js';
import type { Downloads } from '../exports/feature.js';
import type { RouteContext } from '../routes.js';
import type { PersonalDataHolder } from './ports.js';
import { createPrivacyRoutes } from './routes.js';
import { createPrivacyService, type PrivacyPeople } from './service.js';

export type { ErasedPerson, EraseOutcome, PersonalDataHolder, RetentionPolicy } from './ports.js';
export { DEFAULT_RETENTION, scrubArrays } from './ports.js';
export { ERASED_LABEL } from './service.js';

export const PERSON_DATA_DOWNLOAD = 'person-data';

export interface PrivacyFeatureDeps {
  db: Db;
  holders: () => readonly PersonalDataHolder[];
  people: PrivacyPeople;
  downloads: Pick<Downloads, 'register'>;
  isBeheerder(ctx: RouteContext): Promise<boolean>;
  now: () => Date;
  log: Pick<Logger, 'info' | 'error'>;
}

export function createPrivacyFeature(deps: PrivacyFeatureDeps) {
  const service = createPrivacyService(deps);
  const links = deps.downloads.register(PERSON_DATA_DOWNLOAD, {
    params: z.object({ person: z.string().regex(/^[0-9a-f-]{36}$/) }),
    formats: ['json'] as const,
    goneText: 'Cadans bewaart niets (meer) over deze persoon.\nCadans keeps nothing (any more) about this person.',
    async build(tenantId, { person }) {
      const file = await service.exportPerson(tenantId, person);
      if (!file) return null;
      return { filename: `cadans-gegevens-${person.slice(0, 8)}.json`, contentType: 'application/json; charset=utf-8', body: JSON.stringify(file, null, 2) };
    },
  });
  const routes = createPrivacyRoutes({ service, isBeheerder: deps.isBeheerder, linkFor: (tenantId, aad) => links.linkFor(tenantId, { person: aad }, 'json') });
  return { service, routes };
}
export type PrivacyFeature = ReturnType<typeof createPrivacyFeature>;
