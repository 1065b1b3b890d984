'use server';
import { revalidatePath } from 'next/cache';
import { graphql } from '@/graphql/graphql';
import { callApi } from '@/graphql/server';

const SetOnDuty = graphql(`mutation SetOnDuty($id: ID!, $onDuty: Boolean!) { setOnDuty(id: $id, onDuty: $onDuty) { id onDuty } }`);

export type OnDutyResult = { ok: true; onDuty: boolean } | { ok: false; error: string };

/** Inscrit un magistrat au tableau de permanence, ou l'en retire (chef de parquet). */
export async function changeOnDuty(id: string, onDuty: boolean): Promise<OnDutyResult> {
  const result = await callApi(SetOnDuty, { id, onDuty });
  if (result.errors) return { ok: false, error: result.errors[0]!.message };
  revalidatePath('/organisation');
  return { ok: true, onDuty: result.data.setOnDuty.onDuty ?? onDuty };
}
