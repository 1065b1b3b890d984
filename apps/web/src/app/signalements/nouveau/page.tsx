import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { graphql } from '@/graphql/graphql';
import { queryApi } from '@/graphql/server';
import { canCreateSignalement, requireViewer } from '@/lib/viewer';
import { SignalementForm } from './SignalementForm';

export const metadata: Metadata = { title: 'Nouveau signalement' };

const ParquetsQuery = graphql(`query ParquetsForForm { parquets { code name } pieceMaxBytes }`);

export default async function NouveauSignalementPage() {
  const viewer = await requireViewer();
  if (!canCreateSignalement(viewer)) redirect('/');
  const data = await queryApi(ParquetsQuery);
  return <SignalementForm parquets={data.parquets} pieceMaxBytes={Number(data.pieceMaxBytes)} />;
}
