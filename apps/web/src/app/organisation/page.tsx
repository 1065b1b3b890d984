import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { fr } from '@codegouvfr/react-dsfr';
import { graphql } from '@/graphql/graphql';
import { queryApi } from '@/graphql/server';
import { canManageMembers, isParquet, requireViewer, ROLE_LABELS } from '@/lib/viewer';
import { CreateMemberForm, MemberRow } from './MemberForms';
import { OnDutyRoster } from './OnDutyRoster';

export const metadata: Metadata = { title: 'Organisation' };

const MembersQuery = graphql(`query Members { members { id displayName email role active } }`);

export default async function OrganisationPage() {
  const viewer = await requireViewer();
  if (!canManageMembers(viewer)) redirect('/');
  const { members } = await queryApi(MembersQuery);
  const roles = (isParquet(viewer) ? (['CLERK', 'PROSECUTOR', 'HEAD'] as const) : (['AGENT', 'MANAGER', 'READER'] as const)).map((role) => ({
    value: role,
    label: ROLE_LABELS[role],
  }));
  return (
    <>
      <h1>{viewer.organization.name}</h1>
      <p>
        <Link href="/organisation/acces-api">Accès API : jetons des logiciels et webhooks</Link>
      </p>
      <h2 className={fr.cx('fr-h4')}>Membres</h2>
      <div className={fr.cx('fr-table')}>
        <div className={fr.cx('fr-table__wrapper')}>
          <div className={fr.cx('fr-table__container')}>
            <div className={fr.cx('fr-table__content')}>
              <table>
                <caption className={fr.cx('fr-sr-only')}>Membres de l’organisation</caption>
                <thead>
                  <tr>
                    <th scope="col">Nom</th>
                    <th scope="col">Adresse électronique</th>
                    <th scope="col">Rôle</th>
                    <th scope="col">Compte</th>
                  </tr>
                </thead>
                <tbody>
                  {members.map((member) => (
                    <MemberRow key={member.id} member={member} roles={roles} self={member.id === viewer.id} />
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </div>
      </div>
      <h2 className={fr.cx('fr-h4', 'fr-mt-4w')}>Ajouter un membre</h2>
      <CreateMemberForm roles={roles} />
      {viewer.role === 'HEAD' ? <OnDutyRoster /> : null}
    </>
  );
}
