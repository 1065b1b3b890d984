/**
 * PostGraphile 4, témoin du banc de lecture : il sert la même base que l'API, en lecture, avec ses
 * réglages de production (ni GraphiQL ni journal des requêtes, mutations par défaut coupées) et le
 * filtre de connexions (postgraphile-plugin-connection-filter) pour « statut dans une liste ».
 * Il n'a ni authentification ni périmètre par organisation ni journal des consultations : les
 * requêtes du banc lui passent l'organisation en condition. Pool de 10 connexions, comme l'API.
 *
 *   node bench/postgraphile/server.mjs <DATABASE_URL> <port>
 */
import { createServer } from 'node:http';
import pg from 'pg';
import { postgraphile } from 'postgraphile';
import ConnectionFilterPlugin from 'postgraphile-plugin-connection-filter';

const [databaseUrl, port] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
const middleware = postgraphile(pool, 'public', {
  appendPlugins: [ConnectionFilterPlugin],
  graphiql: false,
  disableQueryLog: true,
  disableDefaultMutations: true,
  dynamicJson: true,
  setofFunctionsContainNulls: false,
  legacyRelations: 'omit',
  retryOnInitFail: false,
  watchPg: false,
});
createServer(middleware).listen(Number(port), '127.0.0.1', () => console.info(`PostGraphile écoute sur ${port}`));
