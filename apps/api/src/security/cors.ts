/**
 * CORS : seules les origines de l'application web (WEB_ORIGINS) reçoivent
 * `Access-Control-Allow-Origin` (avec les cookies). Une autre origine ne reçoit aucun en-tête CORS,
 * plutôt que le `Access-Control-Allow-Origin: null` que Yoga renvoie par défaut, qu'une page en
 * iframe isolée (origine « null ») pourrait faire valoir.
 */
export function corsPolicy(webOrigins: readonly string[]) {
  const allowed = new Set(webOrigins);
  return (request: Request) => {
    const origin = request.headers.get('origin');
    return origin !== null && allowed.has(origin) ? { origin: [origin], credentials: true } : (false as const);
  };
}
