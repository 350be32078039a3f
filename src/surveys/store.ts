// All of the survey feature's SQL (tables: surveys, survey_deliveries, survey_sealed,
// survey_responses, survey_answers; migration 006; survey_templates, migration 008). Columns are named in every statement.
import type { Queryable } from '../db/pool.js';
import type { Answers, Question, Repeat, SurveyKind, SurveyStatus, SurveyTemplate } from './model.js';

export interface Audience {
  /** team: the members of the team the survey was started in; roles / schools: people holding roles (at schools); list: email addresses. */
  kind: 'team' | 'roles' | 'schools' | 'list' | 'group';
  roles?: string[];
  schoolIds?: number[];
  /** list: the addresses, lower-cased, matched to Teams users when the survey is checked and sent. */
  emails?: string[];
  /** group: an Entra (Microsoft 365 or security) group's object id, read through Graph. */
  groupId?: string;
}

export interface SurveyRow {
  id: number;
  publicId: string;
  tenantId: string;
  kind: SurveyKind;
  templateKey: string | null;
  title: string;
  language: 'nl' | 'en';
  questions: Question[];
  anonymous: boolean;
  minGroupSize: number;
  byPerspective: boolean;
  audience: Audience;
  schoolId: number | null;
  status: SurveyStatus;
  opensAt: Date | null;
  deadline: Date | null;
  reminderDays: number[];
  resultsConversationId: string | null;
  resultsServiceUrl: string | null;
  resultsTeamId: string | null;
  /** The school the results channel belongs to: the posted card shows only that school's part (docs/surveys.md). */
  resultsSchoolId: number | null;
  resultsActivityId: string | null;
  authorConversationId: string | null;
  authorServiceUrl: string | null;
  authorCardActivityId: string | null;
  repeat: Repeat | null;
  seriesId: string | null;
  round: number;
  createdBy: string;
  createdAt: Date;
  sentAt: Date | null;
  closedAt: Date | null;
  version: number;
}

const SURVEY_COLUMNS = `s.id, s.public_id, s.tenant_id, s.kind, s.template_key, s.title, s.language, s.questions, s.anonymous,
  s.min_group_size, s.by_perspective, s.audience, s.school_id, s.status, s.opens_at, s.deadline, s.reminder_days,
  s.results_conversation_id, s.results_service_url, s.results_team_id, s.results_school_id, s.results_activity_id,
  s.author_conversation_id, s.author_service_url, s.author_card_activity_id, s.repeat, s.series_id, s.round,
  s.created_by, s.created_at, s.sent_at, s.closed_at, s.version`;

type Raw = Record<string, unknown>;

function toSurvey(r: Raw): SurveyRow {
  return {
    id: Number(r.id),
    publicId: r.public_id as string,
    tenantId: r.tenant_id as string,
    kind: r.kind as SurveyKind,
    templateKey: (r.template_key as string | null) ?? null,
    title: r.title as string,
    language: r.language as 'nl' | 'en',
    questions: r.questions as Question[],
    anonymous: r.anonymous as boolean,
    minGroupSize: Number(r.min_group_size),
    byPerspective: r.by_perspective as boolean,
    audience: r.audience as Audience,
    schoolId: r.school_id === null ? null : Number(r.school_id),
    status: r.status as SurveyStatus,
    opensAt: (r.opens_at as Date | null) ?? null,
    deadline: (r.deadline as Date | null) ?? null,
    reminderDays: (r.reminder_days as number[]) ?? [],
    resultsConversationId: (r.results_conversation_id as string | null) ?? null,
    resultsServiceUrl: (r.results_service_url as string | null) ?? null,
    resultsTeamId: (r.results_team_id as string | null) ?? null,
    resultsSchoolId: r.results_school_id === null || r.results_school_id === undefined ? null : Number(r.results_school_id),
    resultsActivityId: (r.results_activity_id as string | null) ?? null,
    authorConversationId: (r.author_conversation_id as string | null) ?? null,
    authorServiceUrl: (r.author_service_url as string | null) ?? null,
    authorCardActivityId: (r.author_card_activity_id as string | null) ?? null,
    repeat: (r.repeat as Repeat | null) ?? null,
    seriesId: (r.series_id as string | null) ?? null,
    round: Number(r.round),
    createdBy: r.created_by as string,
    createdAt: r.created_at as Date,
    sentAt: (r.sent_at as Date | null) ?? null,
    closedAt: (r.closed_at as Date | null) ?? null,
    version: Number(r.version),
  };
}

export interface NewDraft {
  tenantId: string;
  kind: SurveyKind;
  templateKey: string | null;
  title: string;
  language: 'nl' | 'en';
  questions: Question[];
  anonymous: boolean;
  minGroupSize: number;
  byPerspective: boolean;
  audience: Audience;
  schoolId: number | null;
  deadline: Date;
  reminderDays: number[];
  results: { conversationId: string; serviceUrl: string; teamId: string | null } | null;
  author: { conversationId: string; serviceUrl: string } | null;
  createdBy: string;
  seriesId?: string | null;
  round?: number;
}

export async function insertDraft(q: Queryable, d: NewDraft): Promise<SurveyRow> {
  const r = await q.query(
    `insert into surveys as s (tenant_id, kind, template_key, title, language, questions, anonymous, min_group_size, by_perspective,
       audience, school_id, deadline, reminder_days, results_conversation_id, results_service_url, results_team_id,
       author_conversation_id, author_service_url, created_by, series_id, round)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
     returning ${SURVEY_COLUMNS}`,
    [
      d.tenantId, d.kind, d.templateKey, d.title, d.language, JSON.stringify(d.questions), d.anonymous, d.minGroupSize, d.byPerspective,
      JSON.stringify(d.audience), d.schoolId, d.deadline, JSON.stringify(d.reminderDays), d.results?.conversationId ?? null,
      d.results?.serviceUrl ?? null, d.results?.teamId ?? null, d.author?.conversationId ?? null, d.author?.serviceUrl ?? null,
      d.createdBy, d.seriesId ?? null, d.round ?? 1,
    ],
  );
  return toSurvey(r.rows[0] as Raw);
}

export async function getSurveyByPublicId(q: Queryable, tenantId: string, publicId: string, lock = false): Promise<SurveyRow | null> {
  const r = await q.query(`select ${SURVEY_COLUMNS} from surveys s where s.tenant_id = $1 and s.public_id = $2${lock ? ' for update' : ''}`, [tenantId, publicId]);
  return r.rows[0] ? toSurvey(r.rows[0] as Raw) : null;
}

export async function getSurveyById(q: Queryable, id: number, lock = false): Promise<SurveyRow | null> {
  const r = await q.query(`select ${SURVEY_COLUMNS} from surveys s where s.id = $1${lock ? ' for update' : ''}`, [id]);
  return r.rows[0] ? toSurvey(r.rows[0] as Raw) : null;
}

export interface DraftChange {
  title: string;
  anonymous: boolean;
  minGroupSize: number;
  audience: Audience;
  deadline: Date;
  opensAt: Date | null;
  reminderDays: number[];
  questions: Question[];
  repeat: Repeat | null;
}

/** Changes a draft; false when it is no longer a draft. A repeating survey gets its series id. */
export async function updateDraft(q: Queryable, id: number, c: DraftChange): Promise<boolean> {
  const r = await q.query(
    `update surveys set title = $2, anonymous = $3, min_group_size = $4, audience = $5, deadline = $6, opens_at = $7,
       reminder_days = $8, questions = $9, repeat = $10,
       series_id = case when $10::jsonb is null then null else coalesce(series_id, gen_random_uuid()) end, version = version + 1
     where id = $1 and status = 'draft'`,
    [id, c.title, c.anonymous, c.minGroupSize, JSON.stringify(c.audience), c.deadline, c.opensAt, JSON.stringify(c.reminderDays), JSON.stringify(c.questions), c.repeat === null ? null : JSON.stringify(c.repeat)],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function listSurveys(q: Queryable, tenantId: string, statuses: readonly SurveyStatus[], limit: number): Promise<SurveyRow[]> {
  const r = await q.query(
    `select ${SURVEY_COLUMNS} from surveys s where s.tenant_id = $1 and s.status = any($2::text[]) order by coalesce(s.closed_at, s.sent_at, s.created_at) desc limit $3`,
    [tenantId, statuses, limit],
  );
  return r.rows.map((x) => toSurvey(x as Raw));
}

export interface Recipient {
  aadObjectId: string;
  schoolId: number | null;
  perspective: string | null;
}

/** Opens the survey (or schedules it) and records who it goes to, in one transaction with the caller's. */
export async function startSurvey(q: Queryable, id: number, status: 'open' | 'scheduled', opensAt: Date, recipients: readonly Recipient[], resultsSchoolId: number | null = null): Promise<boolean> {
  const r = await q.query(`update surveys set status = $2, opens_at = $3, sent_at = now(), results_school_id = $4, version = version + 1 where id = $1 and status = 'draft'`, [id, status, opensAt, resultsSchoolId]);
  if ((r.rowCount ?? 0) === 0) return false;
  const chunk = 5_000;
  for (let i = 0; i < recipients.length; i += chunk) {
    const part = recipients.slice(i, i + chunk);
    await q.query(
      `insert into survey_deliveries (survey_id, tenant_id, aad_object_id, school_id, perspective)
       select $1, s.tenant_id, x.aad, x.school, x.perspective
       from surveys s, unnest($2::text[], $3::bigint[], $4::text[]) as x(aad, school, perspective)
       where s.id = $1
       on conflict (survey_id, aad_object_id) do nothing`,
      [id, part.map((p) => p.aadObjectId), part.map((p) => p.schoolId), part.map((p) => p.perspective)],
    );
  }
  return true;
}

export async function setSurveyStatus(q: Queryable, id: number, from: readonly SurveyStatus[], to: SurveyStatus): Promise<boolean> {
  const r = await q.query(
    `update surveys set status = $3, closed_at = case when $3 in ('closed', 'cancelled') then now() else closed_at end, version = version + 1
     where id = $1 and status = any($2::text[])`,
    [id, from, to],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function setDeadline(q: Queryable, id: number, deadline: Date): Promise<void> {
  await q.query(`update surveys set deadline = $2, version = version + 1 where id = $1`, [id, deadline]);
}

export async function setAuthorCard(q: Queryable, id: number, activityId: string, conversationId: string | null): Promise<void> {
  await q.query(`update surveys set author_card_activity_id = $2, author_conversation_id = coalesce($3, author_conversation_id) where id = $1`, [id, activityId, conversationId]);
}

export async function setResultsCard(q: Queryable, id: number, activityId: string): Promise<void> {
  await q.query(`update surveys set results_activity_id = $2 where id = $1`, [id, activityId]);
}

export interface DeliveryRow {
  id: number;
  surveyId: number;
  aadObjectId: string;
  schoolId: number | null;
  perspective: string | null;
  status: 'queued' | 'sent' | 'failed';
  conversationId: string | null;
  cardActivityId: string | null;
  answeredAt: Date | null;
  remindersSent: number;
  answers: Answers | null;
}

const DELIVERY_COLUMNS = `d.id, d.survey_id, d.aad_object_id, d.school_id, d.perspective, d.status, d.conversation_id, d.card_activity_id, d.answered_at, d.reminders_sent, d.answers`;

function toDelivery(r: Raw): DeliveryRow {
  return {
    id: Number(r.id),
    surveyId: Number(r.survey_id),
    aadObjectId: r.aad_object_id as string,
    schoolId: r.school_id === null ? null : Number(r.school_id),
    perspective: (r.perspective as string | null) ?? null,
    status: r.status as DeliveryRow['status'],
    conversationId: (r.conversation_id as string | null) ?? null,
    cardActivityId: (r.card_activity_id as string | null) ?? null,
    answeredAt: (r.answered_at as Date | null) ?? null,
    remindersSent: Number(r.reminders_sent),
    answers: (r.answers as Answers | null) ?? null,
  };
}

export async function getDelivery(q: Queryable, id: number): Promise<DeliveryRow | null> {
  const r = await q.query(`select ${DELIVERY_COLUMNS} from survey_deliveries d where d.id = $1`, [id]);
  return r.rows[0] ? toDelivery(r.rows[0] as Raw) : null;
}

/** Deliveries after `afterId`, in id order (the fan-out walks them in pages). */
export async function deliveriesAfter(q: Queryable, surveyId: number, afterId: number, limit: number, onlyUnanswered = false): Promise<DeliveryRow[]> {
  const r = await q.query(
    `select ${DELIVERY_COLUMNS} from survey_deliveries d where d.survey_id = $1 and d.id > $2 ${onlyUnanswered ? 'and d.answered_at is null' : ''} order by d.id limit $3`,
    [surveyId, afterId, limit],
  );
  return r.rows.map((x) => toDelivery(x as Raw));
}

export async function markDeliverySent(q: Queryable, deliveryId: number, activityId: string | null, conversationId: string | null): Promise<void> {
  await q.query(
    `update survey_deliveries set status = 'sent', card_activity_id = coalesce($2, card_activity_id), conversation_id = coalesce($3, conversation_id) where id = $1`,
    [deliveryId, activityId, conversationId],
  );
}

export async function countReminder(q: Queryable, deliveryId: number): Promise<void> {
  await q.query(`update survey_deliveries set reminders_sent = reminders_sent + 1 where id = $1`, [deliveryId]);
}

/** The survey and the actor's delivery, for an answer: one statement; the delivery locked when asked. */
export async function readForAnswer(q: Queryable, tenantId: string, publicId: string, aadObjectId: string): Promise<{ survey: SurveyRow; delivery: DeliveryRow | null } | null> {
  const r = await q.query({
    name: 'cadans.surveys.readForAnswer',
    text: `select ${SURVEY_COLUMNS},
             (select row_to_json(x) from (select ${DELIVERY_COLUMNS} from survey_deliveries d where d.survey_id = s.id and d.aad_object_id = $3) x) as delivery
           from surveys s where s.tenant_id = $1 and s.public_id = $2`,
    values: [tenantId, publicId, aadObjectId],
  });
  const row = r.rows[0] as Raw | undefined;
  if (!row) return null;
  const d = row.delivery as Raw | null;
  return {
    survey: toSurvey(row),
    delivery: d ? toDelivery({ ...d, answered_at: d.answered_at ? new Date(d.answered_at as string) : null }) : null,
  };
}

/** People sent the survey in a segment: a segment label is stored with an anonymous answer only when there are enough. */
export async function segmentSizes(q: Queryable, surveyId: number, schoolId: number | null, perspective: string | null): Promise<{ school: number; perspective: number }> {
  const r = await q.query<{ school: string; perspective: string }>({
    name: 'cadans.surveys.segmentSizes',
    text: `select count(*) filter (where school_id = $2) as school, count(*) filter (where perspective = $3) as perspective
           from survey_deliveries where survey_id = $1`,
    values: [surveyId, schoolId, perspective],
  });
  return { school: Number(r.rows[0]?.school ?? 0), perspective: Number(r.rows[0]?.perspective ?? 0) };
}

/**
 * An anonymous answer: marks the delivery answered and stores the sealed answer, one statement, only
 * if the delivery had not answered and the survey is open. False: nothing written.
 */
export async function acceptSealedAnswer(q: Queryable, deliveryId: number, surveyId: number, sealed: Buffer): Promise<boolean> {
  const r = await q.query({
    name: 'cadans.surveys.acceptSealed',
    text: `with marked as (
             update survey_deliveries d set answered_at = now()
             where d.id = $1 and d.survey_id = $2 and d.answered_at is null
               and exists (select 1 from surveys s where s.id = $2 and s.status = 'open' and s.deadline > now())
             returning d.survey_id)
           insert into survey_sealed (survey_id, sealed) select survey_id, $3 from marked returning 1`,
    values: [deliveryId, surveyId, sealed],
  });
  return (r.rowCount ?? 0) > 0;
}

/** A named answer (non-anonymous survey): kept on the delivery, changeable while the survey is open. */
export async function acceptNamedAnswer(q: Queryable, deliveryId: number, surveyId: number, answers: Answers): Promise<boolean> {
  const r = await q.query(
    `update survey_deliveries d set answered_at = coalesce(d.answered_at, now()), answers = $3
     where d.id = $1 and d.survey_id = $2 and exists (select 1 from surveys s where s.id = $2 and s.status = 'open' and s.deadline > now() and not s.anonymous)`,
    [deliveryId, surveyId, JSON.stringify(answers)],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function readSealed(q: Queryable, surveyId: number, afterId: string | null, limit: number): Promise<{ id: string; sealed: Buffer }[]> {
  const r = await q.query<{ id: string; sealed: Buffer }>(
    `select id, sealed from survey_sealed where survey_id = $1 and ($2::uuid is null or id > $2::uuid) order by id limit $3`,
    [surveyId, afterId, limit],
  );
  return r.rows;
}

export interface OpenedResponse {
  day: string;
  school: number | null;
  perspective: string | null;
  values: { questionId: string; value: number | null; text: string | null }[];
}

/** Writes opened answers (already in random order) and the responses; random ids come from the database. */
export async function insertOpened(q: Queryable, surveyId: number, responses: readonly OpenedResponse[], answerRows: readonly { questionId: string; value: number | null; text: string | null; school: number | null; perspective: string | null }[]): Promise<void> {
  const chunk = 10_000;
  for (let i = 0; i < responses.length; i += chunk) {
    const part = responses.slice(i, i + chunk);
    await q.query(
      `insert into survey_responses (survey_id, answered_on, school_id, perspective)
       select $1, x.day, x.school, x.perspective from unnest($2::date[], $3::bigint[], $4::text[]) with ordinality as x(day, school, perspective, n) order by x.n`,
      [surveyId, part.map((p) => p.day), part.map((p) => p.school), part.map((p) => p.perspective)],
    );
  }
  for (let i = 0; i < answerRows.length; i += chunk) {
    const part = answerRows.slice(i, i + chunk);
    await q.query(
      `insert into survey_answers (survey_id, question_id, value, text, school_id, perspective)
       select $1, x.question_id, x.value, x.text, x.school, x.perspective
       from unnest($2::text[], $3::smallint[], $4::text[], $5::bigint[], $6::text[]) with ordinality as x(question_id, value, text, school, perspective, n) order by x.n`,
      [surveyId, part.map((p) => p.questionId), part.map((p) => p.value), part.map((p) => p.text), part.map((p) => p.school), part.map((p) => p.perspective)],
    );
  }
}

export async function deleteSealed(q: Queryable, surveyId: number): Promise<void> {
  await q.query(`delete from survey_sealed where survey_id = $1`, [surveyId]);
}

export interface DeliveryCounts {
  recipients: number;
  sent: number;
  answered: number;
}

export async function deliveryCounts(q: Queryable, surveyId: number): Promise<DeliveryCounts> {
  const r = await q.query<{ recipients: string; sent: string; answered: string }>(
    `select count(*) as recipients, count(*) filter (where status = 'sent') as sent, count(*) filter (where answered_at is not null) as answered
     from survey_deliveries where survey_id = $1`,
    [surveyId],
  );
  const x = r.rows[0]!;
  return { recipients: Number(x.recipients), sent: Number(x.sent), answered: Number(x.answered) };
}

/** Respondents per stored segment (anonymous: survey_responses; named: the deliveries that answered). */
export async function responseCounts(q: Queryable, survey: Pick<SurveyRow, 'id' | 'anonymous'>): Promise<{ school: number | null; perspective: string | null; n: number }[]> {
  const sql = survey.anonymous
    ? `select school_id as school, perspective, count(*) as n from survey_responses where survey_id = $1 group by 1, 2`
    : `select school_id as school, perspective, count(*) as n from survey_deliveries where survey_id = $1 and answers is not null group by 1, 2`;
  const r = await q.query<{ school: string | null; perspective: string | null; n: string }>(sql, [survey.id]);
  return r.rows.map((x) => ({ school: x.school === null ? null : Number(x.school), perspective: x.perspective, n: Number(x.n) }));
}

/** Counts per question, value and segment: the result summary's input. */
export async function answerCounts(q: Queryable, survey: Pick<SurveyRow, 'id' | 'anonymous' | 'questions'>): Promise<{ questionId: string; value: number; school: number | null; perspective: string | null; n: number }[]> {
  if (survey.anonymous) {
    const r = await q.query<{ question_id: string; value: number; school: string | null; perspective: string | null; n: string }>(
      `select question_id, value, school_id as school, perspective, count(*) as n from survey_answers
       where survey_id = $1 and value is not null group by 1, 2, 3, 4`,
      [survey.id],
    );
    return r.rows.map((x) => ({ questionId: x.question_id, value: Number(x.value), school: x.school === null ? null : Number(x.school), perspective: x.perspective, n: Number(x.n) }));
  }
  const r = await q.query<{ school: string | null; perspective: string | null; answers: Answers }>(
    `select school_id as school, perspective, answers from survey_deliveries where survey_id = $1 and answers is not null`,
    [survey.id],
  );
  const counts = new Map<string, { questionId: string; value: number; school: number | null; perspective: string | null; n: number }>();
  for (const row of r.rows) {
    for (const v of answerValues(survey.questions, row.answers)) {
      if (v.value === null) continue;
      const school = row.school === null ? null : Number(row.school);
      const k = `${v.questionId}|${v.value}|${school}|${row.perspective}`;
      const c = counts.get(k) ?? { questionId: v.questionId, value: v.value, school, perspective: row.perspective, n: 0 };
      c.n++;
      counts.set(k, c);
    }
  }
  return [...counts.values()];
}

export async function openTexts(q: Queryable, survey: Pick<SurveyRow, 'id' | 'anonymous' | 'questions'>): Promise<{ questionId: string; text: string }[]> {
  if (!survey.questions.some((x) => x.kind === 'open')) return [];
  if (survey.anonymous) {
    const r = await q.query<{ question_id: string; text: string }>(`select question_id, text from survey_answers where survey_id = $1 and text is not null order by text`, [survey.id]);
    return r.rows.map((x) => ({ questionId: x.question_id, text: x.text }));
  }
  const r = await q.query<{ answers: Answers }>(`select answers from survey_deliveries where survey_id = $1 and answers is not null`, [survey.id]);
  const out: { questionId: string; text: string }[] = [];
  for (const row of r.rows) for (const v of answerValues(survey.questions, row.answers)) if (v.text !== null) out.push({ questionId: v.questionId, text: v.text });
  return out.sort((a, b) => a.text.localeCompare(b.text));
}

/** One answer as stored values: numbers as they are, a choice as its option indexes, text as text. */
export function answerValues(questions: readonly Question[], answers: Answers): { questionId: string; value: number | null; text: string | null }[] {
  const out: { questionId: string; value: number | null; text: string | null }[] = [];
  for (const q of questions) {
    const a = answers[q.id];
    if (a === undefined) continue;
    if (q.kind === 'open' && typeof a === 'string') out.push({ questionId: q.id, value: null, text: a });
    else if (q.kind === 'choice' && Array.isArray(a)) {
      for (const id of a) {
        const index = (q.options ?? []).findIndex((o) => o.id === id);
        if (index >= 0) out.push({ questionId: q.id, value: index, text: null });
      }
    } else if (typeof a === 'number') out.push({ questionId: q.id, value: a, text: null });
  }
  return out;
}

/** Open surveys whose deadline has passed (the closing sweep). */
export async function dueToClose(q: Queryable, now: Date, limit: number): Promise<number[]> {
  const r = await q.query<{ id: string }>(`select id from surveys where status = 'open' and deadline <= $1 order by deadline limit $2`, [now, limit]);
  return r.rows.map((x) => Number(x.id));
}

/** Scheduled surveys whose opening time has come. */
export async function dueToOpen(q: Queryable, now: Date, limit: number): Promise<number[]> {
  const r = await q.query<{ id: string }>(`select id from surveys where status = 'scheduled' and opens_at <= $1 order by opens_at limit $2`, [now, limit]);
  return r.rows.map((x) => Number(x.id));
}

export async function openScheduled(q: Queryable, id: number): Promise<boolean> {
  const r = await q.query(`update surveys set status = 'open', version = version + 1 where id = $1 and status = 'scheduled'`, [id]);
  return (r.rowCount ?? 0) > 0;
}

/** Open surveys with reminder moments still to come. */
export async function remindersDue(q: Queryable, limit: number): Promise<{ id: number; tenantId: string; schoolId: number | null; deadline: Date | null; reminderDays: number[]; done: number }[]> {
  const r = await q.query<{ id: string; tenant_id: string; school_id: string | null; deadline: Date | null; reminder_days: number[]; reminders_done: number }>(
    `select id, tenant_id, school_id, deadline, reminder_days, reminders_done from surveys
     where status = 'open' and reminders_done < jsonb_array_length(reminder_days) order by deadline limit $1`,
    [limit],
  );
  return r.rows.map((x) => ({ id: Number(x.id), tenantId: x.tenant_id, schoolId: x.school_id === null ? null : Number(x.school_id), deadline: x.deadline, reminderDays: x.reminder_days, done: x.reminders_done }));
}

/** Claims reminder moment `moment` (once, whichever instance gets there first). */
export async function markReminderDone(q: Queryable, id: number, moment: number): Promise<boolean> {
  const r = await q.query(`update surveys set reminders_done = $2 + 1 where id = $1 and reminders_done = $2`, [id, moment]);
  return (r.rowCount ?? 0) > 0;
}

/** The closed round before this one of a recurring survey. */
export async function previousRound(q: Queryable, seriesId: string, round: number): Promise<SurveyRow | null> {
  const r = await q.query(
    `select ${SURVEY_COLUMNS} from surveys s where s.series_id = $1 and s.round < $2 and s.status = 'closed' order by s.round desc limit 1`,
    [seriesId, round],
  );
  return r.rows[0] ? toSurvey(r.rows[0] as Raw) : null;
}

/** A tenant's own templates (not archived), oldest first; keys `own-<id>`. */
export async function listOwnTemplates(q: Queryable, tenantId: string): Promise<{ id: number; definition: Omit<SurveyTemplate, 'key'> }[]> {
  const r = await q.query<{ id: string; definition: Omit<SurveyTemplate, 'key'> }>(
    'select id, definition from survey_templates where tenant_id = $1 and archived_at is null order by created_at, id',
    [tenantId],
  );
  return r.rows.map((x) => ({ id: Number(x.id), definition: x.definition }));
}

/** Adds an own template unless the tenant has `cap` already; the new id, or null at the cap. */
export async function insertOwnTemplate(q: Queryable, tenantId: string, definition: Omit<SurveyTemplate, 'key'>, source: string, createdBy: string, cap: number): Promise<number | null> {
  const r = await q.query<{ id: string }>(
    `insert into survey_templates (tenant_id, definition, source, created_by)
     select $1, $2, $3, $4 where (select count(*) from survey_templates where tenant_id = $1 and archived_at is null) < $5
     returning id`,
    [tenantId, JSON.stringify(definition), source, createdBy, cap],
  );
  return r.rows[0] ? Number(r.rows[0].id) : null;
}

export async function archiveOwnTemplate(q: Queryable, tenantId: string, id: number): Promise<boolean> {
  const r = await q.query('update survey_templates set archived_at = now() where tenant_id = $1 and id = $2 and archived_at is null', [tenantId, id]);
  return (r.rowCount ?? 0) > 0;
}

/** Recipients per segment (for the response rate of the segments a result card shows). */
/** Of these surveys, the schools among `schoolIds` that were sent them (deliveries with that school). */
export async function schoolsReached(q: Queryable, surveyIds: readonly number[], schoolIds: readonly number[]): Promise<{ surveyId: number; schoolId: number }[]> {
  if (surveyIds.length === 0 || schoolIds.length === 0) return [];
  const r = await q.query<{ survey_id: string; school_id: string }>(
    'select distinct survey_id, school_id from survey_deliveries where survey_id = any($1::bigint[]) and school_id = any($2::bigint[])',
    [surveyIds, schoolIds],
  );
  return r.rows.map((x) => ({ surveyId: Number(x.survey_id), schoolId: Number(x.school_id) }));
}

export async function recipientsBySegment(q: Queryable, surveyId: number): Promise<{ school: number | null; perspective: string | null; n: number }[]> {
  const r = await q.query<{ school: string | null; perspective: string | null; n: string }>(
    'select school_id as school, perspective, count(*) as n from survey_deliveries where survey_id = $1 group by 1, 2',
    [surveyId],
  );
  return r.rows.map((x) => ({ school: x.school === null ? null : Number(x.school), perspective: x.perspective, n: Number(x.n) }));
}

/**
 * The next round of a repeating survey: the same questions, settings, audience and channel, opening
 * at `opensAt` (status scheduled) with the same running time; the recipients given. Once per series
 * and round (a second call finds it there and writes nothing): its id, or null.
 */
export async function insertNextRound(q: Queryable, prev: SurveyRow, opensAt: Date, deadline: Date, recipients: readonly Recipient[]): Promise<number | null> {
  const r = await q.query<{ id: string }>(
    `insert into surveys (tenant_id, kind, template_key, title, language, questions, anonymous, min_group_size, by_perspective,
       audience, school_id, status, opens_at, deadline, reminder_days, results_conversation_id, results_service_url, results_team_id, results_school_id,
       author_conversation_id, author_service_url, repeat, series_id, round, created_by, sent_at)
     select tenant_id, kind, template_key, title, language, questions, anonymous, min_group_size, by_perspective,
       audience, school_id, 'scheduled', $2, $3, reminder_days, results_conversation_id, results_service_url, results_team_id, results_school_id,
       author_conversation_id, author_service_url, repeat, series_id, round + 1, created_by, now()
     from surveys where id = $1 and series_id is not null
     on conflict (series_id, round) where series_id is not null do nothing
     returning id`,
    [prev.id, opensAt, deadline],
  );
  const id = r.rows[0] ? Number(r.rows[0].id) : null;
  if (id === null) return null;
  const chunk = 5_000;
  for (let i = 0; i < recipients.length; i += chunk) {
    const part = recipients.slice(i, i + chunk);
    await q.query(
      `insert into survey_deliveries (survey_id, tenant_id, aad_object_id, school_id, perspective)
       select $1, $2, x.aad, x.school, x.perspective from unnest($3::text[], $4::bigint[], $5::text[]) as x(aad, school, perspective)
       on conflict (survey_id, aad_object_id) do nothing`,
      [id, prev.tenantId, part.map((p) => p.aadObjectId), part.map((p) => p.schoolId), part.map((p) => p.perspective)],
    );
  }
  return id;
}

/** Who a round went to (the next round of a team's survey goes to the same people). */
export async function recipientsOf(q: Queryable, surveyId: number): Promise<Recipient[]> {
  const r = await q.query<{ aad_object_id: string; school_id: string | null; perspective: string | null }>(
    'select aad_object_id, school_id, perspective from survey_deliveries where survey_id = $1 order by id',
    [surveyId],
  );
  return r.rows.map((x) => ({ aadObjectId: x.aad_object_id, schoolId: x.school_id === null ? null : Number(x.school_id), perspective: x.perspective }));
}

/**
 * Closed surveys of a tenant closed at or after `since`: of one school and the board's (school null),
 * or with `schoolId` null all of them; newest first, a page of `limit` from `offset` (the meeting
 * prep pack filters by who may see and reads on when it needs more).
 */
export async function listClosedSince(q: Queryable, tenantId: string, schoolId: number | null, since: Date, offset: number, limit: number): Promise<SurveyRow[]> {
  const r = await q.query({
    name: 'cadans.surveys.closed-since',
    text: `select ${SURVEY_COLUMNS} from surveys s
            where s.tenant_id = $1 and s.status = 'closed' and s.closed_at >= $3
              and ($2::bigint is null or s.school_id = $2::bigint or s.school_id is null)
            order by s.closed_at desc, s.id desc offset $4 limit $5`,
    values: [tenantId, schoolId, since, offset, limit],
  });
  return r.rows.map((x) => toSurvey(x as Raw));
}

// ---------------------------------------------------------------------------------------------------
// Privacy (docs/privacy.md, docs/surveys.md "Privacy"): one person's rows exported and erased, a
// tenant's exported and deleted, retention. Anonymous answers are linked to nobody and stay; the
// deliveries (who was asked, who answered) are what names a person.

/** A fresh random pseudonym per row, in SQL (`verwijderd-` + 16 hex, never derived from the id). */
const ROW_PSEUDONYM = `'verwijderd-' || substr(md5(gen_random_uuid()::text || clock_timestamp()::text), 1, 16)`;

const rows = (r: { rowCount: number | null }) => r.rowCount ?? 0;

/** Everything the survey tables hold about one person (readable keys). */
export async function exportPersonSurveyRows(q: Queryable, tenantId: string, aad: string): Promise<Record<string, unknown>> {
  const made = await q.query(
    `select s.public_id as "surveyId", s.title, s.kind, s.status, s.anonymous, s.audience, s.questions, s.created_at as "createdAt",
            s.sent_at as "sentAt", s.closed_at as "closedAt"
       from surveys s where s.tenant_id = $1 and s.created_by = $2 order by s.created_at, s.id`,
    [tenantId, aad],
  );
  // Anonymous surveys: only that they were asked and answered (the answer is linked to nobody, not even them).
  const asked = await q.query(
    `select s.public_id as "surveyId", s.title, s.anonymous, d.status as "delivery", d.answered_at as "answeredAt",
            d.reminders_sent as "remindersSent", d.school_id as "schoolId", d.perspective, case when s.anonymous then null else d.answers end as "answers"
       from survey_deliveries d join surveys s on s.id = d.survey_id
      where d.tenant_id = $1 and d.aad_object_id = $2 order by d.id`,
    [tenantId, aad],
  );
  const templates = await q.query(
    `select id, definition, source, created_at as "createdAt", archived_at as "archivedAt"
       from survey_templates where tenant_id = $1 and created_by = $2 order by id`,
    [tenantId, aad],
  );
  return { surveysTheyMade: made.rows, surveysSentToThem: asked.rows, templatesTheyAdded: templates.rows };
}

/**
 * Erases one person from the survey tables, in the caller's transaction: their deliveries get a fresh
 * random pseudonym each, lose their chat and card ids, fail reasons and (named surveys) answers; the
 * surveys and templates they made name the erase's pseudonym; their address leaves pasted audiences;
 * texts (titles, questions, open answers, templates) have their name, email and ids replaced.
 * Rewriting a delivery also gives it a new transaction id (xmin), so no sealed answer shares one with it.
 * Returns counts per table and the surveys still running that they made (their recipients' cards name them).
 */
export async function erasePersonSurveyRows(
  q: Queryable,
  p: { tenantId: string; aadObjectId: string; email: string | null; pseudonym: string },
  scrub: { needles: string[]; replacements: string[] },
): Promise<{ counts: Record<string, number>; running: number[] }> {
  const deliveries = rows(
    await q.query(
      `update survey_deliveries set aad_object_id = ${ROW_PSEUDONYM}, conversation_id = null, card_activity_id = null, fail_reason = null, answers = null
        where tenant_id = $1 and aad_object_id = $2`,
      [p.tenantId, p.aadObjectId],
    ),
  );
  const email = (p.email ?? '').trim().toLowerCase();
  const listed = email
    ? rows(
        await q.query(
          `update surveys set audience = jsonb_set(audience, '{emails}',
                  coalesce((select jsonb_agg(e order by n) from jsonb_array_elements(audience->'emails') with ordinality as x(e, n) where lower(e #>> '{}') <> $2), '[]'::jsonb)),
                  version = version + 1
            where tenant_id = $1 and jsonb_typeof(audience->'emails') = 'array'
              and exists (select 1 from jsonb_array_elements_text(audience->'emails') as y(e) where lower(y.e) = $2)`,
          [p.tenantId, email],
        ),
      )
    : 0;
  const running = await q.query<{ id: string }>(`select id from surveys where tenant_id = $1 and created_by = $2 and status in ('scheduled', 'open') order by id`, [p.tenantId, p.aadObjectId]);
  const surveys = rows(
    await q.query(
      `update surveys set created_by = case when created_by = $2 then $3 else created_by end,
              author_conversation_id = case when created_by = $2 then null else author_conversation_id end,
              author_card_activity_id = case when created_by = $2 then null else author_card_activity_id end,
              title = cadans_scrub(title, $4, $5), questions = cadans_scrub(questions::text, $4, $5)::jsonb,
              audience = cadans_scrub(audience::text, $4, $5)::jsonb, version = version + 1
        where tenant_id = $1
          and (created_by = $2 or title <> cadans_scrub(title, $4, $5) or questions::text <> cadans_scrub(questions::text, $4, $5)
               or audience::text <> cadans_scrub(audience::text, $4, $5))`,
      [p.tenantId, p.aadObjectId, p.pseudonym, scrub.needles, scrub.replacements],
    ),
  );
  const answers = rows(
    await q.query(
      `update survey_answers a set text = cadans_scrub(a.text, $2, $3)
         from surveys s where s.id = a.survey_id and s.tenant_id = $1 and a.text is not null and a.text <> cadans_scrub(a.text, $2, $3)`,
      [p.tenantId, scrub.needles, scrub.replacements],
    ),
  );
  const templates = rows(
    await q.query(
      `update survey_templates set created_by = case when created_by = $2 then $3 else created_by end,
              source = cadans_scrub(source, $4, $5), definition = cadans_scrub(definition::text, $4, $5)::jsonb
        where tenant_id = $1 and (created_by = $2 or source <> cadans_scrub(source, $4, $5) or definition::text <> cadans_scrub(definition::text, $4, $5))`,
      [p.tenantId, p.aadObjectId, p.pseudonym, scrub.needles, scrub.replacements],
    ),
  );
  return {
    counts: { surveys: surveys + listed, survey_deliveries: deliveries, survey_answers: answers, survey_templates: templates },
    running: running.rows.map((x) => Number(x.id)),
  };
}

/**
 * Locks the tenant's surveys that have sealed answers (id order), before their sealed rows: the same
 * order as closing takes (the survey, then its sealed rows), so an erase and a closing wait for each
 * other instead of deadlocking, and a survey closing meanwhile is opened either before the erase (its
 * answers are then scrubbed in survey_answers) or after it (from the re-sealed rows).
 */
export async function lockSurveysWithSealed(q: Queryable, tenantId: string): Promise<number> {
  const r = await q.query('select s.id from surveys s where s.tenant_id = $1 and exists (select 1 from survey_sealed x where x.survey_id = s.id) order by s.id for update of s', [tenantId]);
  return r.rowCount ?? 0;
}

/** A page of the sealed answers of a tenant's surveys (id order), for re-sealing them at an erase. */
export async function sealedOfTenant(q: Queryable, tenantId: string, afterId: string | null, limit: number): Promise<{ id: string; surveyId: number; sealed: Buffer }[]> {
  const r = await q.query<{ id: string; survey_id: string; sealed: Buffer }>(
    `select x.id, x.survey_id, x.sealed from survey_sealed x join surveys s on s.id = x.survey_id
      where s.tenant_id = $1 and ($2::uuid is null or x.id > $2::uuid) order by x.id limit $3 for update of x`,
    [tenantId, afterId, limit],
  );
  return r.rows.map((x) => ({ id: x.id, surveyId: Number(x.survey_id), sealed: x.sealed }));
}

export async function rewriteSealed(q: Queryable, rows: readonly { id: string; sealed: Buffer }[]): Promise<void> {
  if (rows.length === 0) return;
  await q.query('update survey_sealed x set sealed = y.sealed from unnest($1::uuid[], $2::bytea[]) as y(id, sealed) where x.id = y.id', [rows.map((r) => r.id), rows.map((r) => r.sealed)]);
}

/** Texts with an erased person's name, email and ids replaced (cadans_scrub, migration 018), in order. */
export async function scrubTexts(q: Queryable, texts: readonly string[], scrub: { needles: string[]; replacements: string[] }): Promise<string[]> {
  if (texts.length === 0) return [];
  const r = await q.query<{ t: string }>('select cadans_scrub(x.t, $2, $3) as t from unnest($1::text[]) with ordinality as x(t, n) order by x.n', [texts, scrub.needles, scrub.replacements]);
  return r.rows.map((x) => x.t);
}

/** All of a tenant's rows in the survey tables, for the operator's export (anonymous answers as they are: linked to nobody). */
export async function exportTenantSurveyRows(q: Queryable, tenantId: string): Promise<Record<string, unknown>> {
  const all = async (sql: string) => (await q.query(sql, [tenantId])).rows;
  return {
    surveys: await all(
      `select id, public_id as "publicId", kind, template_key as "templateKey", title, language, questions, anonymous, min_group_size as "minGroupSize",
              by_perspective as "byPerspective", audience, school_id as "schoolId", status, opens_at as "opensAt", deadline, reminder_days as "reminderDays",
              repeat, series_id as "seriesId", round, created_by as "createdBy", created_at as "createdAt", sent_at as "sentAt", closed_at as "closedAt"
         from surveys where tenant_id = $1 order by id`,
    ),
    deliveries: await all(
      `select survey_id as "surveyId", aad_object_id as "entraObjectId", school_id as "schoolId", perspective, status, answered_at as "answeredAt",
              reminders_sent as "remindersSent", answers
         from survey_deliveries where tenant_id = $1 order by survey_id, id`,
    ),
    responses: await all(
      `select r.survey_id as "surveyId", r.answered_on as "answeredOn", r.school_id as "schoolId", r.perspective
         from survey_responses r join surveys s on s.id = r.survey_id where s.tenant_id = $1 order by r.survey_id, r.id`,
    ),
    answers: await all(
      `select a.survey_id as "surveyId", a.question_id as "questionId", a.value, a.text, a.school_id as "schoolId", a.perspective
         from survey_answers a join surveys s on s.id = a.survey_id where s.tenant_id = $1 order by a.survey_id, a.question_id, a.id`,
    ),
    sealedAnswers: (await all('select count(*)::int as n from survey_sealed x join surveys s on s.id = x.survey_id where s.tenant_id = $1'))[0]?.n ?? 0,
    templates: await all(
      `select id, definition, source, created_by as "createdBy", created_at as "createdAt", archived_at as "archivedAt"
         from survey_templates where tenant_id = $1 order by id`,
    ),
  };
}

/** Deletes all of a tenant's rows in the survey tables, children first. */
export async function deleteTenantSurveyRows(q: Queryable, tenantId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [table, sql] of [
    ['survey_answers', 'delete from survey_answers where survey_id in (select id from surveys where tenant_id = $1)'],
    ['survey_responses', 'delete from survey_responses where survey_id in (select id from surveys where tenant_id = $1)'],
    ['survey_sealed', 'delete from survey_sealed where survey_id in (select id from surveys where tenant_id = $1)'],
    ['survey_deliveries', 'delete from survey_deliveries where tenant_id = $1 or survey_id in (select id from surveys where tenant_id = $1)'],
    ['surveys', 'delete from surveys where tenant_id = $1'],
    ['survey_templates', 'delete from survey_templates where tenant_id = $1'],
  ] as const) {
    counts[table] = rows(await q.query(sql, [tenantId]));
  }
  return counts;
}

/**
 * Retention of deliveries: of surveys closed (or cancelled) before `before`, at most `limit` rows not
 * yet pseudonymised get a fresh random pseudonym each and lose their chat, card ids and fail reasons.
 * Counts and (named surveys) answers stay, so the results still render; nobody is named any more.
 */
export async function pseudonymiseOldDeliveries(q: Queryable, before: Date, limit: number): Promise<number> {
  return rows(
    await q.query(
      `update survey_deliveries set aad_object_id = ${ROW_PSEUDONYM}, conversation_id = null, card_activity_id = null, fail_reason = null
        where id in (select d.id from surveys s join survey_deliveries d on d.survey_id = s.id
                      where s.status in ('closed', 'cancelled') and s.closed_at < $1 and d.aad_object_id not like 'verwijderd-%'
                      limit $2)`,
      [before, limit],
    ),
  );
}

/** Retention of surveys: at most `limit` surveys closed (or cancelled) before `before`, with everything of them (cascade). */
export async function deleteOldSurveys(q: Queryable, before: Date, limit: number): Promise<number> {
  return rows(
    await q.query(
      `delete from surveys where id in (select id from surveys where status in ('closed', 'cancelled') and closed_at < $1 order by closed_at limit $2)`,
      [before, limit],
    ),
  );
}

// ---------------------------------------------------------------------------------------------------
// One open answer removed by a beheerder (open text can name people; docs/surveys.md).

/** The open answers of an anonymous survey, alphabetically (as the result card shows them), a page at a time. */
export async function listOpenAnswers(q: Queryable, surveyId: number, offset: number, limit: number): Promise<{ total: number; rows: { id: string; questionId: string; text: string }[] }> {
  const r = await q.query<{ id: string; question_id: string; text: string; total: string }>(
    `select id, question_id, text, count(*) over () as total from survey_answers where survey_id = $1 and text is not null
      order by question_id, text, id offset $2 limit $3`,
    [surveyId, offset, limit],
  );
  const total = r.rows[0] ? Number(r.rows[0].total) : offset > 0 ? (await listOpenAnswers(q, surveyId, 0, 1)).total : 0;
  return { total, rows: r.rows.map((x) => ({ id: x.id, questionId: x.question_id, text: x.text })) };
}

export async function getOpenAnswer(q: Queryable, surveyId: number, answerId: string): Promise<{ id: string; questionId: string; text: string } | null> {
  const r = await q.query<{ id: string; question_id: string; text: string }>('select id, question_id, text from survey_answers where survey_id = $1 and id = $2 and text is not null', [surveyId, answerId]);
  const x = r.rows[0];
  return x ? { id: x.id, questionId: x.question_id, text: x.text } : null;
}

/** Deletes one open answer of a survey; false when it was not there (already removed). */
export async function deleteOpenAnswer(q: Queryable, surveyId: number, answerId: string): Promise<boolean> {
  return rows(await q.query('delete from survey_answers where survey_id = $1 and id = $2 and text is not null', [surveyId, answerId])) > 0;
}
