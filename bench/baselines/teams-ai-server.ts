// What the two teams-ai baselines share: a bare teams-ai 1.7 Application (memory storage, no
// authentication, as Cadans in local mode) and serving it on restify as a benchmark child process,
// which prints "READY <url>" when listening and exits on SIGINT/SIGTERM.
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { MemoryStorage } from 'botbuilder';
import { Application, TeamsAdapter } from '@microsoft/teams-ai';

export function bareTeamsAiApp(): { adapter: TeamsAdapter; app: Application } {
  const adapter = new TeamsAdapter({}); // no app id: no authentication either way, as Cadans in local mode
  const app = new Application({
    storage: new MemoryStorage(),
    adapter,
    // As Cadans: no typing indicator (teams-ai's default sends one after 1 s, never reached here).
    startTypingTimer: false,
    longRunningMessages: false,
  });
  return { adapter, app };
}

export function serveOnRestify(name: string, adapter: TeamsAdapter, app: Application): void {
  const server = restify.createServer({ name });
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
}
