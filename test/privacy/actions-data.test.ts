// The improvement actions' personal-data holder (docs/privacy.md) against the real Cadans: actions
// are made, owned, finished with an evaluation and given through Teams traffic; then one person is
// exported and erased. No row holds their id, Teams id, name or email; the actions stay readable
// ("verwijderde gebruiker"), the others carry on, reminders skip the pseudonym. Tenant deletion and
// retention with a fixed clock.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, weekday } from '../../src/actions/model.js';
import { insertAction } from '../../src/actions/store.js';
import { todayInAmsterdam } from '../../src/checklists/feature.js';
import { inTransaction } from '../../src/db/pool.js';
import { DEFAULT_RETENTION, newPseudonym, type ErasedPerson, type PersonalDataHolder } from '../../src/privacy/ports.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { startTestCadans, type TestCadans } from '../support/harness.js';
import { createTeamsWorld, postActivity, type TeamsChannel, type TeamsUser, type TeamsWorld } from '../support/teams-activities.js';

let connector: FakeConnector;
let cadans: TestCadans;
let world: TeamsWorld;
let bea: TeamsUser; // beheerder (first person)
let karin: TeamsUser; // kwaliteitsmedewerker
let ahmed: TeamsUser; // owner, finisher and (with a role for a while) giver; the one erased
let otto: TeamsUser;
let channel: TeamsChannel;
let holder: PersonalDataHolder;
let person: ErasedPerson;

/** A Wednesday about eight weeks ahead (the form takes no date in the past). */
const DUE = (() => {
  let d = addDays(todayInAmsterdam(new Date()), 56);
  while (weekday(d) !== 3) d = addDays(d, 1);
  return d;
})();

const text = (x: unknown) => JSON.stringify(x);

async function act(u: TeamsUser, target: TeamsUser | TeamsChannel, verb: string, data: Record<string, unknown>, w: TeamsWorld = world) {
  const res = await postActivity(cadans.url, w.actionExecute(u, target, verb, data));
  expect(res.status).toBe(200);
  return text((res.body as { value?: unknown }).value);
}

/** Makes an action by hand (as `by`, owned by `owner`) and returns its opaque id. */
async function make(by: TeamsUser, owner: TeamsUser, title: string, description = ''): Promise<string> {
  expect(await act(by, channel, 'action.save', { v: 1, title, description, owner: owner.aadObjectId, dueDate: DUE })).toContain('De verbeteractie staat klaar');
  return (await cadans.db.query<{ public_id: string }>('select public_id from improvement_actions where title = $1', [title])).rows[0]!.public_id;
}

const row = async (publicId: string) =>
  (await cadans.db.query('select title, description, owner_aad, owner_name, created_by, created_by_name, done_by, status, evaluation from improvement_actions where public_id = $1', [publicId])).rows[0];

async function rowsText(tenantId: string): Promise<string> {
  return (await cadans.db.query<{ row: string }>('select to_jsonb(a)::text as row from improvement_actions a where a.tenant_id = $1 order by id', [tenantId])).rows.map((r) => r.row).join('\n');
}

function tracesOf(u: TeamsUser, haystack: string): string[] {
  const lower = haystack.toLowerCase();
  return [u.aadObjectId, u.id, u.name, u.email].filter((needle) => lower.includes(needle.toLowerCase()));
}

beforeAll(async () => {
  connector = await startFakeConnector();
  cadans = await startTestCadans();
  holder = cadans.actions.personalData;
  world = createTeamsWorld({ serviceUrl: connector.serviceUrl });
  bea = world.user({ name: 'Bea Beheer' });
  karin = world.user({ name: 'Karin Kwaliteit' });
  ahmed = world.user({ name: 'Ahmed El Amrani' });
  otto = world.user({ name: 'Otto Collega' });
  const team = world.team({ name: 'Team Kwaliteit', channels: ['Kwaliteit'], members: [bea, karin, ahmed, otto] });
  channel = team.channel('Kwaliteit');
  connector.addTeam(team.id, team.connectorInfo);
  connector.setMembers(team.id, team.members.map((m) => m.rosterEntry));
  for (const u of [bea, karin, ahmed, otto]) await postActivity(cadans.url, world.personalMessage(u, 'hulp'));
  await cadans.db.query("insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, 'kwaliteitsmedewerker')", [world.tenantId, karin.aadObjectId]);
  person = { tenantId: world.tenantId, aadObjectId: ahmed.aadObjectId, teamsUserId: ahmed.id, name: ahmed.name, email: ahmed.email, pseudonym: newPseudonym(() => randomBytes(8).toString('hex')), label: 'verwijderde gebruiker' };
}, 60_000);

afterAll(async () => {
  await cadans?.close();
  await connector?.close();
});

describe("erasing a person from the tenant's improvement actions", () => {
  let finished: string; // Karin gave it to Ahmed; he finished it
  let open: string; // Karin gave it to Ahmed; still open
  let given: string; // Ahmed gave it to Karin
  let others: string; // Karin's own: nothing of Ahmed

  beforeAll(async () => {
    finished = await make(karin, ahmed, 'Leerlingenraad twee keer per jaar', `Ahmed El Amrani (${ahmed.email}) plant de data.`);
    expect(await act(ahmed, ahmed, 'action.done', { v: 1, action: finished, worked: 'partly', keep: 'Ahmed el amrani houdt het rooster bij.' })).toContain('Afgerond');
    open = await make(karin, ahmed, 'Lesbezoeken plannen');
    await cadans.db.query("insert into role_assignments (tenant_id, aad_object_id, role) values ($1, $2, 'kwaliteitsmedewerker')", [world.tenantId, ahmed.aadObjectId]);
    given = await make(ahmed, karin, 'Oudertevredenheid bespreken');
    await cadans.db.query('delete from role_assignments where tenant_id = $1 and aad_object_id = $2', [world.tenantId, ahmed.aadObjectId]);
    others = await make(karin, karin, 'Eigen actie van Karin', 'Niets over anderen.');
  }, 30_000);

  it('exports what he owns, gave and finished, with readable keys', async () => {
    const data = (await holder.exportPerson(cadans.db, world.tenantId, ahmed.aadObjectId)) as { actions: Array<Record<string, unknown>> };
    expect(data.actions.map((a) => a.title)).toEqual(['Leerlingenraad twee keer per jaar', 'Lesbezoeken plannen', 'Oudertevredenheid bespreken']);
    expect(data.actions[0]).toMatchObject({ owner: true, doneByThem: true, givenByThem: false, status: 'done', evaluation: { worked: 'partly', keep: 'Ahmed el amrani houdt het rooster bij.' } });
    expect(data.actions[2]).toMatchObject({ owner: false, givenByThem: true, ownerName: 'Karin Kwaliteit' });
  });

  it('leaves no id, Teams id, name or email of his in any action, and keeps the rest as it was', async () => {
    const before = await row(others);
    expect(tracesOf(ahmed, await rowsText(world.tenantId))).not.toEqual([]);
    const outcome = await inTransaction(cadans.db, (tx) => holder.erasePerson(tx, person));
    expect(outcome.counts).toEqual({ improvement_actions: 3 });
    await outcome.after?.();
    expect(tracesOf(ahmed, await rowsText(world.tenantId))).toEqual([]);
    expect(await row(others)).toEqual(before);
  });

  it('keeps the actions readable: the pseudonym owns and finished them, the label stands where his name stood', async () => {
    expect(await row(finished)).toEqual({
      title: 'Leerlingenraad twee keer per jaar',
      description: 'verwijderde gebruiker (verwijderde gebruiker) plant de data.',
      owner_aad: person.pseudonym,
      owner_name: 'verwijderde gebruiker',
      created_by: karin.aadObjectId,
      created_by_name: 'Karin Kwaliteit',
      done_by: person.pseudonym,
      status: 'done',
      evaluation: { worked: 'partly', keep: 'verwijderde gebruiker houdt het rooster bij.' },
    });
    expect(await row(given)).toMatchObject({ owner_aad: karin.aadObjectId, owner_name: 'Karin Kwaliteit', created_by: person.pseudonym, created_by_name: 'verwijderde gebruiker' });
    // Karin opens the action he gave her: "Uitgezet door verwijderde gebruiker".
    const card = await act(karin, karin, 'action.open', { v: 1, action: given });
    expect(card).toContain('verwijderde gebruiker');
    expect(tracesOf(ahmed, card)).toEqual([]);
  });

  it('sends no reminder to the pseudonym of an erased owner, and still reminds the others', async () => {
    const late = addDays(DUE, 3);
    await cadans.actions.service.runReminders(late);
    const keys = (await cadans.db.query<{ k: string }>("select idempotency_key as k from outbox_messages where idempotency_key like 'action:%:overdue:%'")).rows.map((r) => r.k);
    const id = async (publicId: string) => Number((await cadans.db.query('select id from improvement_actions where public_id = $1', [publicId])).rows[0].id);
    expect(keys).toContain(`action:${await id(given)}:overdue:${late}`);
    const openId = await id(open);
    expect(keys.filter((k) => k.startsWith(`action:${openId}:`))).toEqual([]);
  });

  it('lets the others carry on: Karin gives his open action to Otto, and finishes the one he gave her', async () => {
    expect(await act(karin, channel, 'action.save', { v: 1, action: open, title: 'Lesbezoeken plannen', owner: otto.aadObjectId, dueDate: DUE })).toContain('Opgeslagen');
    expect(await row(open)).toMatchObject({ owner_aad: otto.aadObjectId, owner_name: 'Otto Collega', status: 'open' });
    expect(await act(karin, karin, 'action.done', { v: 1, action: given, worked: 'yes', keep: 'Elk jaar in oktober.' })).toContain('Afgerond');
    expect(await row(given)).toMatchObject({ status: 'done', done_by: karin.aadObjectId });
  });
});

describe("a tenant's improvement actions", () => {
  const OTHER = '12121212-3434-4545-8656-787878787878';

  it("exports and deletes all of a tenant's actions, leaving the other tenant as it was", async () => {
    const other = createTeamsWorld({ serviceUrl: connector.serviceUrl, tenantId: OTHER });
    const anna = other.user({ name: 'Anna Anders' });
    await postActivity(cadans.url, other.personalMessage(anna, 'hulp')); // the tenant exists
    for (const title of ['Actie een', 'Actie twee']) {
      await insertAction(cadans.db, {
        tenantId: OTHER, schoolId: null, title, description: '', owner: { aad: anna.aadObjectId, name: anna.name }, dueDate: DUE, source: { kind: 'manual' }, standard: null,
        serviceUrl: connector.serviceUrl, conversationId: anna.personalConversationId, createdBy: { aad: anna.aadObjectId, name: anna.name },
      });
    }
    const exported = (await holder.exportTenant(cadans.db, OTHER)) as { improvementActions: Array<Record<string, unknown>> };
    expect(exported.improvementActions.map((a) => [a.title, a.ownerName, a.tenantId])).toEqual([['Actie een', 'Anna Anders', OTHER], ['Actie twee', 'Anna Anders', OTHER]]);
    const ours = await rowsText(world.tenantId);
    expect(await inTransaction(cadans.db, (tx) => holder.deleteTenant(tx, OTHER))).toEqual({ improvement_actions: 2 });
    expect(await rowsText(OTHER)).toBe('');
    expect(await rowsText(world.tenantId)).toBe(ours);
  });
});

describe('retention of finished improvement actions', () => {
  it('deletes actions done or cancelled longer ago than the policy says, a batch at a time; open and young ones stay', async () => {
    const cancelled = await make(karin, karin, 'Geannuleerd');
    expect(await act(karin, karin, 'action.cancel', { v: 1, action: cancelled })).toContain('geannuleerd');
    const set = (title: string, at: string) => cadans.db.query('update improvement_actions set done_at = $2 where tenant_id = $1 and title = $3', [world.tenantId, at, title]);
    await set('Leerlingenraad twee keer per jaar', '2027-01-10T12:00:00Z'); // done
    await set('Geannuleerd', '2027-01-20T12:00:00Z'); // cancelled
    await set('Oudertevredenheid bespreken', '2027-06-01T12:00:00Z'); // done, younger
    const titles = async () => (await cadans.db.query<{ title: string }>('select title from improvement_actions where tenant_id = $1 order by id', [world.tenantId])).rows.map((r) => r.title);
    const policy = { ...DEFAULT_RETENTION, actionsFinishedDays: 365 };
    expect(await holder.applyRetention(cadans.db, new Date('2028-01-09T12:00:00Z'), policy, 10)).toEqual({ actionsFinished: 0 });
    expect(await holder.applyRetention(cadans.db, new Date('2040-01-01T00:00:00Z'), { ...policy, actionsFinishedDays: 0 }, 10)).toEqual({ actionsFinished: 0 });
    const now = new Date('2028-01-25T00:00:00Z');
    expect(await holder.applyRetention(cadans.db, now, policy, 1)).toEqual({ actionsFinished: 1 });
    expect(await titles()).not.toContain('Leerlingenraad twee keer per jaar');
    expect(await holder.applyRetention(cadans.db, now, policy, 1)).toEqual({ actionsFinished: 1 });
    expect(await holder.applyRetention(cadans.db, now, policy, 1)).toEqual({ actionsFinished: 0 });
    expect(await titles()).toEqual(['Lesbezoeken plannen', 'Oudertevredenheid bespreken', 'Eigen actie van Karin']);
    // Open ones stay however late it is.
    await holder.applyRetention(cadans.db, new Date('2099-01-01T00:00:00Z'), policy, 100);
    expect(await titles()).toEqual(['Lesbezoeken plannen', 'Eigen actie van Karin']);
  });
});
