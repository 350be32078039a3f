// The meeting feature's part of a person's export and erase, a tenant's export and deletion, and
// retention (docs/privacy.md; docs/meetings.md, "Privacy"). SQL in store.ts.
import { scrubArrays, type PersonalDataHolder } from '../privacy/ports.js';
import { deleteOldAttendance, deleteOldMeetings, deleteTenantMeetingRows, erasePersonMeetingRows, exportPersonMeetingRows, exportTenantMeetingRows } from './store.js';

const DAY_MS = 86_400_000;

export interface MeetingPersonalDataDeps {
  /** After an erase: the prep cards of a planned meeting that named the person are updated (through the outbox). */
  refreshPrepCards(meetingId: number): Promise<void>;
}

export function createMeetingPersonalData(deps: MeetingPersonalDataDeps): PersonalDataHolder {
  return {
    section: 'meetings',
    exportPerson: (q, tenantId, aad) => exportPersonMeetingRows(q, tenantId, aad),
    async erasePerson(q, person) {
      const r = await erasePersonMeetingRows(q, person, scrubArrays(person));
      return {
        counts: r.counts,
        ...(r.planned.length > 0
          ? {
              after: async () => {
                for (const id of r.planned) await deps.refreshPrepCards(id);
              },
            }
          : {}),
      };
    },
    exportTenant: (q, tenantId) => exportTenantMeetingRows(q, tenantId),
    deleteTenant: (q, tenantId) => deleteTenantMeetingRows(q, tenantId),
    async applyRetention(q, now, policy, limit) {
      const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
      return {
        // Whole meetings first: their attendance goes with them.
        meetings: policy.meetingsDays > 0 ? await deleteOldMeetings(q, before(policy.meetingsDays), limit) : 0,
        meeting_attendance: policy.meetingAttendanceDays > 0 ? await deleteOldAttendance(q, before(policy.meetingAttendanceDays), limit) : 0,
      };
    },
  };
}
