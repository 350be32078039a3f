// Baseline (a): a bare teams-ai 1.7 bot on restify that answers every message with a small
// Adaptive Card. Run as a child process by the benchmark; prints "READY <url>" when listening.
//   node --import tsx bench/baselines/teams-ai-echo.ts
import { CardFactory, MessageFactory } from 'botbuilder';
import { bareTeamsAiApp, serveOnRestify } from './teams-ai-server.js';

const { adapter, app } = bareTeamsAiApp();

app.activity('message', async (context) => {
  await context.sendActivity(
    MessageFactory.attachment(
      CardFactory.adaptiveCard({
        type: 'AdaptiveCard',
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        version: '1.5',
        body: [
          { type: 'TextBlock', text: 'Echo', weight: 'Bolder', size: 'Medium' },
          { type: 'TextBlock', text: context.activity.text ?? '', wrap: true },
        ],
      }),
    ),
  );
});

serveOnRestify('teams-ai-echo', adapter, app);
