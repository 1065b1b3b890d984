/** Écrit le SDL du schéma dans apps/api/schema.graphql (relu par le test qui le compare). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { printSchemaFile } from '../schema/print.js';

const target = path.resolve(import.meta.dirname, '../../schema.graphql');
writeFileSync(target, printSchemaFile());
console.info(`Schéma écrit dans ${target}`);
