-- AlterTable
ALTER TABLE "audit_event" ADD COLUMN     "payload_digest" TEXT,
ADD COLUMN     "redacted_at" TIMESTAMPTZ(3);

-- Le journal reste en ajout seul, à une exception près : effacer le contenu (before/after) d'un
-- événement déjà scellé par son empreinte de contenu, en datant l'effacement. Rien d'autre ne change,
-- l'empreinte chaînée non plus : la chaîne reste vérifiable, l'effacement reste visible.
ALTER TABLE "audit_event" ADD CONSTRAINT "audit_event_payload_digest_format" CHECK ("payload_digest" IS NULL OR "payload_digest" ~ '^[0-9a-f]{64}$');
ALTER TABLE "audit_event" ADD CONSTRAINT "audit_event_redaction_sealed" CHECK ("redacted_at" IS NULL OR ("payload_digest" IS NOT NULL AND "before" IS NULL AND "after" IS NULL));

CREATE OR REPLACE FUNCTION "audit_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND OLD."redacted_at" IS NULL AND NEW."redacted_at" IS NOT NULL
     AND OLD."payload_digest" IS NOT NULL
     AND NEW."before" IS NULL AND NEW."after" IS NULL
     AND (NEW."id", NEW."at", NEW."actor_id", NEW."organization_id", NEW."action", NEW."target_type", NEW."target_id",
          NEW."signalement_id", NEW."administration_id", NEW."parquet_id", NEW."internal", NEW."payload_digest",
          NEW."prev_hash", NEW."hash")
         IS NOT DISTINCT FROM
         (OLD."id", OLD."at", OLD."actor_id", OLD."organization_id", OLD."action", OLD."target_type", OLD."target_id",
          OLD."signalement_id", OLD."administration_id", OLD."parquet_id", OLD."internal", OLD."payload_digest",
          OLD."prev_hash", OLD."hash")
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'Le journal d''audit est en ajout seul (%).', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
