import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { graphql } from '@/graphql/graphql';
import { queryApi } from '@/graphql/server';
import { requireViewer } from '@/lib/viewer';

export const metadata: Metadata = { title: 'Plateforme' };

const ParquetsQuery = graphql(`query PlatformParquets { parquets { code name departement } }`);

/** L'écran de l'opérateur : les parquets raccordés. Il ne voit jamais le contenu des signalements. */
export default async function PlateformePage() {
  const viewer = await requireViewer();
  if (viewer.role !== 'PLATFORM_ADMIN') redirect('/');
  const { parquets } = await queryApi(ParquetsQuery);
  return (
    <>
      <h1>Plateforme infoParquet</h1>
      <p>Parquets raccordés ({parquets.length}). L’opérateur gère les organisations et leurs responsables ; il n’a accès à aucun signalement.</p>
      <ul>
        {parquets.map((parquet) => (
          <li key={parquet.code}>
            {parquet.name} — {parquet.code} ({parquet.departement})
          </li>
        ))}
      </ul>
    </>
  );
}
