import { describe, expect, it } from 'vitest';
import { graphqlUse } from './operation.js';

describe('portée exigée par une opération GraphQL faite avec un jeton', () => {
  it('une requête ou un abonnement lit, une mutation écrit', () => {
    expect(graphqlUse({ query: '{ events(first: 10) { edges { cursor } } }' })).toEqual({ scope: 'READ', operation: 'query events', fields: ['events'] });
    expect(graphqlUse({ query: 'subscription Suivi { signalementEvents { cursor } }' })).toMatchObject({ scope: 'READ', operation: 'subscription Suivi' });
    expect(graphqlUse({ query: 'mutation { transmitSignalement(id: "x") { id } }' })).toMatchObject({ scope: 'WRITE', fields: ['transmitSignalement'] });
  });

  it('choisit l’opération nommée d’un document qui en contient plusieurs', () => {
    const query = 'query Lire { me { id } } mutation Ecrire { logout }';
    expect(graphqlUse({ query, operationName: 'Lire' })).toMatchObject({ scope: 'READ', operation: 'query Lire' });
    expect(graphqlUse({ query, operationName: 'Ecrire' })).toMatchObject({ scope: 'WRITE', operation: 'mutation Ecrire', fields: ['logout'] });
  });

  it('voit les champs racine cachés dans des fragments (pour refuser les opérations personnelles)', () => {
    const query = 'mutation { ... on Mutation { logout } ...F } fragment F on Mutation { setNotificationPreference(event: DECISION, frequency: NEVER) { event } }';
    expect(graphqlUse({ query }).fields).toEqual(['logout', 'setNotificationPreference']);
  });

  it('compte un document illisible comme une lecture (la validation le refusera ensuite)', () => {
    expect(graphqlUse({ query: 'mutation {' })).toEqual({ scope: 'READ', operation: 'document GraphQL illisible' });
    expect(graphqlUse(undefined)).toMatchObject({ scope: 'READ' });
  });
});
