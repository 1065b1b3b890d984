'use client';
import { Tabs } from '@codegouvfr/react-dsfr/Tabs';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';

/** Onglets d'une liste : chaque onglet est un filtre dans l'adresse (partageable, rechargeable). */
export function ListTabs({ tabs, selected, children }: { tabs: { id: string; label: string }[]; selected: string; children: React.ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  return (
    <Tabs
      selectedTabId={selected}
      tabs={tabs.map((tab) => ({ tabId: tab.id, label: tab.label }))}
      onTabChange={(tabId) => {
        const next = new URLSearchParams(params.toString());
        next.set('onglet', tabId);
        next.delete('apres');
        router.push(`${pathname}?${next.toString()}`);
      }}
    >
      {children}
    </Tabs>
  );
}
