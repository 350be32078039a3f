// Baseline (a): a bare teams-ai 1.7 bot on restify that answers every message with a small
// Adaptive Card. Run as a child process by the benchmark; prints "READY <url>" when listening.
//   node --import tsx bench/baselines/teams-ai-echo.ts
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { CardFactory, MemoryStorage, MessageFactory } from 'botbuilder';
import { Application, TeamsAdapter } from '@microsoft/teams-ai';

const adapter = new TeamsAdapter({}); // no app id: no authentication either way, as Cadans in local mode
const app = new Application({
  storage: new MemoryStorage(),
  adapter,
  // As Cadans: no typing indicator (teams-ai's default sends one after 1 s, never reached here).
  startTypingTimer: false,
  longRunningMessages: false,
});

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

const server = restify.createServer({ name: 'teams-ai-echo' });
server.use(restify.plugins.bodyParser());
server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
  await adapter.process(req, res, async (context) => {
    await app.run(context);
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`READY http://127.0.0.1:${port}\n`);
});
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
