-- CreateTable
CREATE TABLE "audit_pending" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actor_id" UUID,
    "organization_id" UUID,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT,
    "signalement_id" UUID,
    "administration_id" UUID,
    "parquet_id" UUID,
    "internal" BOOLEAN NOT NULL DEFAULT false,
    "before" JSONB,
    "after" JSONB,
    "payload_digest" TEXT NOT NULL,
    "api_token_id" UUID,

    CONSTRAINT "audit_pending_pkey" PRIMARY KEY ("id")
);

-- Un événement en attente ne se modifie pas : il est chaîné tel qu'il a été écrit, puis retiré
-- de la file par le chaîneur (suppression seule, dans la transaction qui l'ajoute au journal).
ALTER TABLE "audit_pending"
  ADD CONSTRAINT "audit_pending_payload_digest_format" CHECK ("payload_digest" ~ '^[0-9a-f]{64}$');

CREATE FUNCTION "audit_pending_no_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'Un événement du journal en attente de chaînage ne se modifie pas.';
END;
$$;
CREATE TRIGGER "audit_pending_no_update" BEFORE UPDATE ON "audit_pending"
  FOR EACH ROW EXECUTE FUNCTION "audit_pending_no_update"();
