'use server';
import { revalidatePath } from 'next/cache';
import { graphql } from '@/graphql/graphql';
import { callApi } from '@/graphql/server';

const SetPreference = graphql(`
  mutation SetNotificationPreference($event: NotificationEvent!, $frequency: NotificationFrequency!) {
    setNotificationPreference(event: $event, frequency: $frequency) { event frequency }
  }
`);

export interface PreferencesState {
  ok?: boolean;
  message?: string;
  error?: string;
  at?: number;
}

const EVENT = /^event:([A-Z_]+)$/;
const FREQUENCIES = new Set(['IMMEDIATE', 'DAILY_DIGEST', 'NEVER']);

/** Enregistre le choix de chaque événement du formulaire (un champ « event:<ÉVÉNEMENT> » par groupe de boutons). */
export async function savePreferences(_previous: PreferencesState, form: FormData): Promise<PreferencesState> {
  const errors: string[] = [];
  for (const [key, value] of form.entries()) {
    const event = EVENT.exec(key)?.[1];
    if (!event || typeof value !== 'string' || !FREQUENCIES.has(value)) continue;
    const result = await callApi(SetPreference, { event: event as never, frequency: value as never });
    if (result.errors) errors.push(result.errors[0]!.message);
  }
  revalidatePath('/preferences');
  if (errors.length > 0) return { error: errors.join(' '), at: Date.now() };
  return { ok: true, message: 'Vos choix sont enregistrés.', at: Date.now() };
}
