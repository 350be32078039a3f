// Loads the card templates in adaptive-cards/ once at boot and binds view-models to them.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';

export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };

export const TEMPLATE_NAMES = [
  'app.welcome',
  'app.help',
  'app.notice',
  'roles.manage',
  'roles.calendar',
  'roles.school',
  'roles.holidaysFile',
  'checklist.menu',
  'checklist.new',
  'checklist.channel',
  'checklist.step',
  'checklist.summary',
  'checklist.export',
  'checklist.template',
  'surveys.home',
  'surveys.draft',
  'surveys.review',
  'surveys.delivery',
  'surveys.question',
  'surveys.thanks',
  'surveys.state',
  'surveys.template',
  'surveys.results',
  'surveys.closed',
  'surveys.export',
  'surveys.questions',
  'surveys.open-answers',
  'surveys.remove-answer',
  'actions.form',
  'actions.card',
  'actions.list',
  'meetings.overview',
  'meetings.table',
  'meetings.tableForm',
  'meetings.prep',
  'meetings.followUp',
  'meetings.rhythmWarning',
  'meetings.cannotCome',
  'privacy.home',
  'privacy.link',
  'privacy.confirm',
  'privacy.done',
] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export interface CardRenderer {
  render(name: TemplateName, data: object): AdaptiveCard;
}

export function readTemplates(dir: string): Map<string, object> {
  const out = new Map<string, object>();
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json') || f.endsWith('.sample.json')) continue;
    out.set(f.replace(/\.json$/, ''), JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as object);
  }
  return out;
}

export function createCardRenderer(dir: string): CardRenderer {
  const raw = readTemplates(dir);
  const templates = new Map<string, ACData.Template>();
  for (const name of TEMPLATE_NAMES) {
    const json = raw.get(name);
    if (!json) throw new Error(`card template ${name}.json is missing from ${dir}`);
    templates.set(name, new ACData.Template(json));
  }
  return {
    render(name, data) {
      const t = templates.get(name);
      if (!t) throw new Error(`unknown card template ${name}`);
      return t.expand({ $root: data }) as AdaptiveCard;
    },
  };
}
