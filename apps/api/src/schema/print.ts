import { printSchema } from 'graphql';
import { schema } from './index.js';

export function printSchemaFile(): string {
  return `# Schéma GraphQL d'infoParquet, généré par \`npm run schema:print\` : ne pas modifier à la main.\n\n${printSchema(schema)}\n`;
}
