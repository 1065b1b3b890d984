/**
 * Serveur témoin du banc de diffusion : une WebSocket nue (`ws`), sans GraphQL, sans base, sans
 * authentification, qui envoie à toutes ses sockets le même message que l'API (capturé pendant la
 * phase GraphQL), avec l'instant d'envoi dans `at`. Ce qu'il coûte est le plancher du transport.
 *
 *   node --import tsx bench/fanout-raw-server.ts <port>     (piloté par IPC : broadcast, count)
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2]);
const server = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server, path: '/graphql' });

type Command = { type: 'broadcast'; template: string } | { type: 'count' };

process.on('message', (command: Command) => {
  if (command.type === 'count') {
    process.send?.({ type: 'count', clients: wss.clients.size });
    return;
  }
  // Comme l'API : le message est composé et sérialisé une fois, puis le même texte part sur chaque socket.
  const message = JSON.parse(command.template) as { payload: { data: { urgentQueueChanged: { at: string } } } };
  message.payload.data.urgentQueueChanged.at = new Date().toISOString();
  const text = JSON.stringify(message);
  for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(text);
});

server.listen(port, '127.0.0.1', () => console.info(`témoin ws écoute sur ${port}`));
process.on('disconnect', () => process.exit(0));
