// pg-boss's part of the privacy feature (docs/privacy.md). Job data can hold a person's ids (an
// outbox wake-up names a 1:1 lane `user:<tenant>:<id>`; a meeting mail its recipients) and a
// tenant's id. Erase: finished and archived jobs that hold them go; queued ones are rewritten
// (pseudonym and label in place) and still run. A tenant's deletion removes every job whose data
// names the tenant. Retention: finished jobs go after `jobsDays` (pg-boss's own archive and
// deletion are set to match in boss.ts).
import type { Queryable } from '../db/pool.js';
import type { PersonalDataHolder, RetentionPolicy } from '../privacy/ports.js';
import { likePatterns, personScrub, scrubJson, scrubText } from '../privacy/scrub.js';
import { deleteFinishedJobsBefore, deleteJobs, isFinished, jobsMatching, rewriteJob, rewriteSchedule, schedulesMatching } from './store.js';

const DAY_MS = 86_400_000;
const BATCH = 1_000;

/** A tenant's id as a pattern (it is a GUID: no needle shorter than two characters, nothing to escape). */
const tenantPatterns = (tenantId: string) => likePatterns(personScrub({ aadObjectId: tenantId, teamsUserId: null, name: '', email: null, pseudonym: '-', label: '-' }));

export function createJobsPersonalData(): PersonalDataHolder {
  return {
    section: 'jobs',

    async exportPerson(q, _tenantId, aadObjectId) {
      const scrub = personScrub({ aadObjectId, teamsUserId: null, name: '', email: null, pseudonym: '-', label: '-' });
      const jobs = (await jobsMatching(q, likePatterns(scrub), BATCH)).filter((j) => JSON.stringify(scrubJson([j.data, j.output, j.singletonKey], scrub)) !== JSON.stringify([j.data, j.output, j.singletonKey]));
      return { jobs: jobs.map((j) => ({ queue: j.queue, state: j.state, data: j.data, output: j.output, createdOn: j.createdOn, completedOn: j.completedOn })) };
    },

    async erasePerson(q, person) {
      const scrub = personScrub(person);
      const patterns = likePatterns(scrub);
      let deleted = 0;
      let rewritten = 0;
      const skipped = new Set<string>();
      for (;;) {
        const batch = (await jobsMatching(q, patterns, BATCH)).filter((j) => !skipped.has(`${j.table}:${j.id}`));
        if (batch.length === 0) break;
        const finished = [];
        for (const j of batch) {
          skipped.add(`${j.table}:${j.id}`);
          const changed = { data: scrubJson(j.data, scrub), output: scrubJson(j.output, scrub), singletonKey: j.singletonKey && scrubText(j.singletonKey, scrub) };
          if (JSON.stringify(changed) === JSON.stringify({ data: j.data, output: j.output, singletonKey: j.singletonKey })) continue; // a substring, not the person
          if (isFinished(j)) finished.push(j);
          else rewritten += await rewriteJob(q, j.id, changed);
        }
        deleted += await deleteJobs(q, finished);
        if (batch.length < BATCH) break;
      }
      for (const s of await schedulesMatching(q, patterns)) {
        const data = scrubJson(s.data, scrub);
        if (JSON.stringify(data) !== JSON.stringify(s.data)) rewritten += await rewriteSchedule(q, s.name, data);
      }
      return { counts: { 'pgboss.job': deleted + rewritten } };
    },

    async exportTenant(q, tenantId) {
      const jobs = await jobsMatching(q, tenantPatterns(tenantId), 100_000);
      return { jobs: jobs.map((j) => ({ queue: j.queue, state: j.state, data: j.data, output: j.output, createdOn: j.createdOn, completedOn: j.completedOn })) };
    },

    async deleteTenant(q, tenantId) {
      let n = 0;
      for (;;) {
        const batch = await jobsMatching(q, tenantPatterns(tenantId), BATCH);
        const gone = batch.length === 0 ? 0 : await deleteJobs(q, batch);
        n += gone;
        if (gone === 0) break;
      }
      return { 'pgboss.job': n };
    },

    async applyRetention(q: Queryable, now: Date, policy: RetentionPolicy, limit: number) {
      if (policy.jobsDays <= 0) return { jobs: 0 };
      return { jobs: await deleteFinishedJobsBefore(q, new Date(now.getTime() - policy.jobsDays * DAY_MS), limit) };
    },
  };
}
