'use client';
import { MainNavigation } from '@codegouvfr/react-dsfr/MainNavigation';
import { usePathname } from 'next/navigation';

export interface NavigationLink {
  text: string;
  href: string;
}

/** Les choix de courriels, pour toute personne connectée (page /preferences). */
const NOTIFICATIONS_LINK: NavigationLink = { text: 'Mes notifications', href: '/preferences' };

/** Menu principal ; l'entrée de la page courante est marquée (aria-current). */
export function Navigation({ links: pageLinks }: { links: NavigationLink[] }) {
  const links = [...pageLinks, NOTIFICATIONS_LINK];
  const pathname = usePathname();
  const active = links
    .filter((link) => pathname === link.href || pathname.startsWith(`${link.href}/`))
    .sort((a, b) => b.href.length - a.href.length)[0];
  return (
    <MainNavigation
      items={links.map((link) => ({
        text: link.text,
        linkProps: { href: link.href },
        isActive: link === active,
      }))}
    />
  );
}
