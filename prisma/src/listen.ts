import pg from 'pg';

export interface DatabaseListener {
  /** Vrai tant que l'écoute est établie : aucune notification ne peut alors être manquée. */
  readonly listening: boolean;
  close(): Promise<void>;
}

export interface ListenHandlers {
  /** Une notification du canal, dans l'ordre des commits. */
  onNotification(payload: string): void;
  /**
   * L'écoute commence (`true`) ou s'interrompt (`false`, connexion perdue ou fermée). Entre les
   * deux, des notifications ont pu être perdues : l'appelant ne se fie plus à ce qu'il en déduit.
   */
  onListening(listening: boolean): void;
}

/** Le nom (`application_name`) de la connexion qui écoute `channel` : l'exploitation la retrouve dans pg_stat_activity. */
export function listenerApplicationName(channel: string): string {
  return `infoparquet-listen-${channel}`;
}

/** Ferme une connexion d'écoute sans plus rien entendre d'elle, erreurs de fermeture comprises. */
async function release(client: pg.Client): Promise<void> {
  client.removeAllListeners();
  client.on('error', () => undefined);
  await client.end().catch(() => undefined);
}

/**
 * Écoute un canal NOTIFY de PostgreSQL sur une connexion à elle (hors du pool de Prisma, qui rend
 * ses connexions). La connexion perdue est rétablie seule, de 100 ms à 5 s d'attente.
 */
export function listenToDatabase(connectionString: string, channel: string, handlers: ListenHandlers): DatabaseListener {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Canal NOTIFY invalide : ${channel}`);
  let client: pg.Client | null = null;
  let listening = false;
  let closed = false;
  let retryMs = 100;
  let timer: NodeJS.Timeout | undefined;

  const setListening = (value: boolean) => {
    if (listening === value) return;
    listening = value;
    handlers.onListening(value);
  };

  const connect = async () => {
    const current = new pg.Client({ connectionString, application_name: listenerApplicationName(channel) });
    client = current;
    const lost = () => {
      if (client !== current) return;
      client = null;
      setListening(false);
      void release(current);
      if (!closed) {
        timer = setTimeout(() => void connect(), retryMs);
        retryMs = Math.min(retryMs * 2, 5000);
      }
    };
    current.on('error', lost);
    current.on('end', lost);
    current.on('notification', (message) => {
      if (message.channel === channel) handlers.onNotification(message.payload ?? '');
    });
    try {
      await current.connect();
      await current.query(`LISTEN ${channel}`);
      if (client !== current || closed) return;
      retryMs = 100;
      setListening(true);
    } catch {
      lost();
    }
  };
  void connect();

  return {
    get listening() {
      return listening;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      const current = client;
      client = null;
      setListening(false);
      if (current) await release(current);
    },
  };
}
