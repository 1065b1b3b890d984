import { fr } from '@codegouvfr/react-dsfr';
import { graphql } from '@/graphql/graphql';
import { queryApi } from '@/graphql/server';
import { OnDutyToggle } from './OnDutyToggle';

const RosterQuery = graphql(`query OnDutyRoster { members { id displayName role active onDuty } }`);

/**
 * Le tableau de permanence (chef de parquet) : les magistrats actifs du parquet, chacun avec son
 * interrupteur « De permanence ». La permanence reçoit l'alerte de chaque urgent par courriel ;
 * sans personne de permanence, tous les magistrats la reçoivent.
 */
export async function OnDutyRoster() {
  const { members } = await queryApi(RosterQuery);
  const magistrates = members.filter((member) => member.active && (member.role === 'PROSECUTOR' || member.role === 'HEAD'));
  return (
    <section aria-labelledby="permanence">
      <h2 id="permanence" className={fr.cx('fr-h4', 'fr-mt-4w')}>
        De permanence
      </h2>
      <p>
        Les magistrats de permanence reçoivent par courriel l’alerte de chaque signalement urgent, dès son arrivée. Si personne
        n’est de permanence, tous les magistrats du parquet la reçoivent.
      </p>
      {magistrates.map((member) => (
        <OnDutyToggle key={member.id} member={{ id: member.id, displayName: member.displayName, onDuty: member.onDuty ?? false }} />
      ))}
    </section>
  );
}
