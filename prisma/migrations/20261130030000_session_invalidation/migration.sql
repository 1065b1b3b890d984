-- Chaque instance de l'API garde en mémoire les sessions qu'elle vient de vérifier
-- (apps/api/src/domains/auth/session-cache.ts). La base lui dit, par NOTIFY sur le canal
-- `session_changed`, quand ce qu'elle garde cesse d'être vrai : une session révoquée, raccourcie ou
-- supprimée, un compte désactivé, changé de rôle ou d'organisation, une organisation recodée. La
-- charge utile est l'identifiant du compte touché, ou `*` pour tout oublier (TRUNCATE,
-- organisation). Un déclencheur de la base, et non l'application, pour qu'aucune écriture n'y
-- échappe, qu'elle vienne d'une instance, d'un script ou d'un psql d'exploitation.
-- La date de dernière utilisation (`last_used_at`) ne déclenche rien : elle ne change aucun droit.

CREATE FUNCTION notify_session_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' OR TG_TABLE_NAME = 'organization' THEN
    PERFORM pg_notify('session_changed', '*');
  ELSIF TG_TABLE_NAME = 'session' THEN
    PERFORM pg_notify('session_changed', OLD.user_id::text);
  ELSE
    PERFORM pg_notify('session_changed', OLD.id::text);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER session_changed AFTER UPDATE OF revoked_at, expires_at, user_id OR DELETE ON session
  FOR EACH ROW EXECUTE FUNCTION notify_session_changed();
CREATE TRIGGER session_truncated AFTER TRUNCATE ON session
  FOR EACH STATEMENT EXECUTE FUNCTION notify_session_changed();

CREATE TRIGGER app_user_changed AFTER UPDATE OF role, active, organization_id OR DELETE ON app_user
  FOR EACH ROW EXECUTE FUNCTION notify_session_changed();
CREATE TRIGGER app_user_truncated AFTER TRUNCATE ON app_user
  FOR EACH STATEMENT EXECUTE FUNCTION notify_session_changed();

CREATE TRIGGER organization_changed AFTER UPDATE OF code, kind OR DELETE ON organization
  FOR EACH ROW EXECUTE FUNCTION notify_session_changed();
CREATE TRIGGER organization_truncated AFTER TRUNCATE ON organization
  FOR EACH STATEMENT EXECUTE FUNCTION notify_session_changed();
