import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { graphql } from '@/graphql/graphql';
import { queryApi } from '@/graphql/server';
import { isParquet, requireViewer } from '@/lib/viewer';
import { UrgentItemFragment } from './fragments';
import { UrgentQueue } from './UrgentQueue';

export const metadata: Metadata = { title: 'File d’urgence' };

const UrgentQueueQuery = graphql(
  `
  query UrgentQueue {
    urgentQueue { ...UrgentItem }
  }
`,
  [UrgentItemFragment],
);

export default async function UrgencesPage() {
  const viewer = await requireViewer();
  if (!isParquet(viewer)) redirect('/');
  const data = await queryApi(UrgentQueueQuery);
  return <UrgentQueue initial={data.urgentQueue} parquetName={viewer.organization.name} />;
}
