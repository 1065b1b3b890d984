import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { STATUS_LABELS, type Status } from '@/lib/labels';

const SEVERITY: Partial<Record<Status, 'success' | 'info' | 'warning' | 'error' | 'new'>> = {
  TRANSMITTED: 'info',
  REGISTERED: 'info',
  IN_PROGRESS: 'new',
  INFORMATION_REQUESTED: 'warning',
  DECIDED: 'success',
  CLOSED: 'success',
  WITHDRAWN: 'error',
};

export function StatusBadge({ status, small = false }: { status: Status; small?: boolean }) {
  const severity = SEVERITY[status];
  return (
    <Badge as="span" small={small} noIcon {...(severity ? { severity } : {})}>
      {STATUS_LABELS[status]}
    </Badge>
  );
}

export function UrgentBadge({ small = false }: { small?: boolean }) {
  return (
    <Badge as="span" small={small} severity="error">
      Urgent
    </Badge>
  );
}
