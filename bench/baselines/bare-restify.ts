// Baseline (b): restify alone. Reads and parses the JSON body (as any bot must) and answers 200,
// without a bot framework or a reply to the connector. Prints "READY <url>" when listening.
//   node --import tsx bench/baselines/bare-restify.ts
import type { AddressInfo } from 'node:net';
import restify from 'restify';

const server = restify.createServer({ name: 'bare-restify' });
server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
  const raw = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
  const activity = JSON.parse(raw.toString('utf8')) as { type?: unknown };
  res.status(typeof activity.type === 'string' ? 200 : 400);
  res.end();
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`READY http://127.0.0.1:${port}\n`);
});
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
