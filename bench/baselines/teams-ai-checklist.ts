// Baseline for the checklist scenario: a bare teams-ai 1.7 bot on restify whose only handler is an
// Action.Execute `checklist.setStatus` that answers with a small Adaptive Card (no database, no
// state). Run as a child process by the benchmark; prints "READY <url>" when listening.
//   node --import tsx bench/baselines/teams-ai-checklist.ts
import { bareTeamsAiApp, serveOnRestify } from './teams-ai-server.js';

const { adapter, app } = bareTeamsAiApp();

app.adaptiveCards.actionExecute<{ checklistId?: number; position?: number; status?: string }>('checklist.setStatus', async (_context, _state, data) => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body: [
    { type: 'TextBlock', text: `Stap ${String(data.position ?? '?')}`, weight: 'Bolder', size: 'Medium' },
    { type: 'TextBlock', text: `Status: ${String(data.status ?? '?')}`, wrap: true },
    { type: 'TextBlock', text: 'Opgeslagen', color: 'Good' },
  ],
}));

serveOnRestify('teams-ai-checklist', adapter, app);
