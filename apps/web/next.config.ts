import { createRequire } from 'node:module';
import type { NextConfig } from 'next';

const require = createRequire(import.meta.url);
/**
 * Le navigateur parle à l'API par `/graphql` sur la même origine (src/app/graphql/route.ts, qui
 * relaie avec le jeton du cookie httpOnly) : l'adresse de l'API se lit au démarrage, pas à la construction.
 */
const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  transpilePackages: ['@codegouvfr/react-dsfr', '@infoparquet/validation'],
  sassOptions: { implementation: require.resolve('sass') },
  turbopack: {},
  // Les types sont vérifiés une fois, par `npm test` (turbo typecheck) : la construction ne le refait pas.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};

export default config;
