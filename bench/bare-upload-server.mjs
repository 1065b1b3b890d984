// Serveur témoin du banc d'envoi (upload-memory.ts) : Node seul, qui écrit le corps de chaque
// requête dans un fichier, sans rien d'autre. Sa mémoire est le plancher d'un envoi en flux.
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import { pipeline } from 'node:stream/promises';

const [port, file] = process.argv.slice(2);
createServer(async (req, res) => {
  try {
    await pipeline(req, createWriteStream(file));
    res.end('ok');
  } catch (error) {
    res.statusCode = 500;
    res.end(String(error));
  }
}).listen(Number(port), '127.0.0.1', () => console.info('prêt'));
