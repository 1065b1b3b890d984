import { redirect } from 'next/navigation';
import { isParquet, requireViewer } from '@/lib/viewer';

/** L'accueil mène chacun à son écran de travail. */
export default async function HomePage() {
  const viewer = await requireViewer();
  if (isParquet(viewer)) redirect('/urgences');
  if (viewer.role === 'PLATFORM_ADMIN') redirect('/plateforme');
  redirect('/signalements');
}
