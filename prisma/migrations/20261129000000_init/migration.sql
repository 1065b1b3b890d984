-- CreateEnum
CREATE TYPE "OrganizationKind" AS ENUM ('ADMINISTRATION', 'PARQUET', 'PLATFORM');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('AGENT', 'MANAGER', 'READER', 'CLERK', 'PROSECUTOR', 'HEAD', 'PLATFORM_ADMIN');

-- CreateEnum
CREATE TYPE "SignalementStatus" AS ENUM ('DRAFT', 'TRANSMITTED', 'WITHDRAWN', 'REGISTERED', 'IN_PROGRESS', 'INFORMATION_REQUESTED', 'DECIDED', 'CLOSED');

-- CreateEnum
CREATE TYPE "UrgencyReason" AS ENUM ('DANGER_TO_PERSONS', 'HEALTH_OR_SAFETY_RISK', 'EVIDENCE_AT_RISK', 'LIMITATION_PERIOD_CLOSE', 'ONGOING_MEASURE', 'OTHER');

-- CreateEnum
CREATE TYPE "DecisionKind" AS ENUM ('PROSECUTION', 'ALTERNATIVE_MEASURE', 'JUDICIAL_INVESTIGATION', 'DISMISSAL');

-- CreateEnum
CREATE TYPE "MessageKind" AS ENUM ('INFORMATION_REQUEST', 'INFORMATION_ANSWER', 'INTERNAL_NOTE');

-- CreateTable
CREATE TABLE "organization" (
    "id" UUID NOT NULL,
    "kind" "OrganizationKind" NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "departement" TEXT NOT NULL,
    "ressort" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_user" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "first_name" TEXT NOT NULL,
    "last_name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "organization_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "session" (
    "id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),

    CONSTRAINT "session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "signalement" (
    "id" UUID NOT NULL,
    "status" "SignalementStatus" NOT NULL DEFAULT 'DRAFT',
    "reference" TEXT,
    "administration_id" UUID NOT NULL,
    "parquet_id" UUID,
    "created_by_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "facts" TEXT NOT NULL,
    "facts_date" TEXT NOT NULL,
    "facts_from" DATE,
    "facts_to" DATE,
    "places" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "natinf_codes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "persons" JSONB NOT NULL DEFAULT '[]',
    "external_reference" TEXT,
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "urgency_reason" "UrgencyReason",
    "urgency_detail" TEXT,
    "content_hash" TEXT,
    "transmitted_at" TIMESTAMPTZ(3),
    "parquet_number" TEXT,
    "registered_at" TIMESTAMPTZ(3),
    "assignee_id" UUID,
    "withdrawal_reason" TEXT,
    "closed_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "signalement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reference_counter" (
    "parquet_id" UUID NOT NULL,
    "year" INTEGER NOT NULL,
    "last_value" INTEGER NOT NULL,

    CONSTRAINT "reference_counter_pkey" PRIMARY KEY ("parquet_id","year")
);

-- CreateTable
CREATE TABLE "status_change" (
    "id" UUID NOT NULL,
    "signalement_id" UUID NOT NULL,
    "from_status" "SignalementStatus",
    "to_status" "SignalementStatus" NOT NULL,
    "action" TEXT NOT NULL,
    "actor_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "comment" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "status_change_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dismissal_reason" (
    "code" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "dismissal_reason_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "decision" (
    "id" UUID NOT NULL,
    "signalement_id" UUID NOT NULL,
    "kind" "DecisionKind" NOT NULL,
    "dismissal_reason_code" TEXT,
    "reasons" TEXT NOT NULL,
    "author_id" UUID NOT NULL,
    "decided_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "decision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "message" (
    "id" UUID NOT NULL,
    "signalement_id" UUID NOT NULL,
    "kind" "MessageKind" NOT NULL,
    "body" TEXT NOT NULL,
    "author_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_event" (
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
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "organization_code_key" ON "organization"("code");

-- CreateIndex
CREATE UNIQUE INDEX "app_user_email_key" ON "app_user"("email");

-- CreateIndex
CREATE INDEX "app_user_organization_id_idx" ON "app_user"("organization_id");

-- CreateIndex
CREATE UNIQUE INDEX "session_token_hash_key" ON "session"("token_hash");

-- CreateIndex
CREATE INDEX "session_user_id_idx" ON "session"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "signalement_reference_key" ON "signalement"("reference");

-- CreateIndex
CREATE INDEX "signalement_administration_id_status_created_at_idx" ON "signalement"("administration_id", "status", "created_at" DESC);

-- CreateIndex
CREATE INDEX "signalement_parquet_id_status_created_at_idx" ON "signalement"("parquet_id", "status", "created_at" DESC);

-- CreateIndex
CREATE INDEX "status_change_signalement_id_at_idx" ON "status_change"("signalement_id", "at");

-- CreateIndex
CREATE INDEX "decision_signalement_id_decided_at_idx" ON "decision"("signalement_id", "decided_at");

-- CreateIndex
CREATE INDEX "message_signalement_id_created_at_idx" ON "message"("signalement_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "audit_event_hash_key" ON "audit_event"("hash");

-- CreateIndex
CREATE INDEX "audit_event_signalement_id_id_idx" ON "audit_event"("signalement_id", "id");

-- CreateIndex
CREATE INDEX "audit_event_administration_id_id_idx" ON "audit_event"("administration_id", "id");

-- CreateIndex
CREATE INDEX "audit_event_parquet_id_id_idx" ON "audit_event"("parquet_id", "id");

-- AddForeignKey
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "session" ADD CONSTRAINT "session_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "signalement" ADD CONSTRAINT "signalement_administration_id_fkey" FOREIGN KEY ("administration_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "signalement" ADD CONSTRAINT "signalement_parquet_id_fkey" FOREIGN KEY ("parquet_id") REFERENCES "organization"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "signalement" ADD CONSTRAINT "signalement_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "signalement" ADD CONSTRAINT "signalement_assignee_id_fkey" FOREIGN KEY ("assignee_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reference_counter" ADD CONSTRAINT "reference_counter_parquet_id_fkey" FOREIGN KEY ("parquet_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "status_change" ADD CONSTRAINT "status_change_signalement_id_fkey" FOREIGN KEY ("signalement_id") REFERENCES "signalement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "status_change" ADD CONSTRAINT "status_change_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "decision" ADD CONSTRAINT "decision_signalement_id_fkey" FOREIGN KEY ("signalement_id") REFERENCES "signalement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "decision" ADD CONSTRAINT "decision_dismissal_reason_code_fkey" FOREIGN KEY ("dismissal_reason_code") REFERENCES "dismissal_reason"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "decision" ADD CONSTRAINT "decision_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "message" ADD CONSTRAINT "message_signalement_id_fkey" FOREIGN KEY ("signalement_id") REFERENCES "signalement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "message" ADD CONSTRAINT "message_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Contraintes que Prisma n'exprime pas : la base refuse ce que le code ne doit jamais écrire.
-- ---------------------------------------------------------------------------------------------

ALTER TABLE "organization"
  ADD CONSTRAINT "organization_code_format" CHECK ("code" ~ '^[A-Z0-9-]{2,30}$'),
  ADD CONSTRAINT "organization_parquet_code_letters" CHECK ("kind" <> 'PARQUET' OR "code" ~ '^[A-Z]{2,20}$');

ALTER TABLE "app_user"
  ADD CONSTRAINT "app_user_email_lowercase" CHECK ("email" = lower("email") AND position('@' in "email") > 1);

ALTER TABLE "session"
  ADD CONSTRAINT "session_expires_after_creation" CHECK ("expires_at" > "created_at");

ALTER TABLE "signalement"
  ADD CONSTRAINT "signalement_reference_format" CHECK ("reference" IS NULL OR "reference" ~ '^IP-[0-9]{4}-[A-Z]{2,20}-[0-9]{6}$'),
  ADD CONSTRAINT "signalement_reference_iff_transmitted" CHECK (("status" = 'DRAFT') = ("reference" IS NULL)),
  ADD CONSTRAINT "signalement_transmitted_is_frozen" CHECK ("status" = 'DRAFT' OR ("content_hash" IS NOT NULL AND "transmitted_at" IS NOT NULL AND "parquet_id" IS NOT NULL)),
  ADD CONSTRAINT "signalement_title_not_blank" CHECK (char_length(btrim("title")) > 0),
  ADD CONSTRAINT "signalement_urgency_has_reason" CHECK (NOT "urgent" OR "urgency_reason" IS NOT NULL),
  ADD CONSTRAINT "signalement_other_urgency_has_detail" CHECK ("urgency_reason" IS DISTINCT FROM 'OTHER' OR "urgency_detail" IS NOT NULL),
  ADD CONSTRAINT "signalement_withdrawal_has_reason" CHECK ("status" <> 'WITHDRAWN' OR "withdrawal_reason" IS NOT NULL),
  ADD CONSTRAINT "signalement_facts_period" CHECK ("facts_from" IS NULL OR "facts_to" IS NULL OR "facts_from" <= "facts_to"),
  ADD CONSTRAINT "signalement_persons_array" CHECK (jsonb_typeof("persons") = 'array'),
  ADD CONSTRAINT "signalement_version_positive" CHECK ("version" >= 0);

ALTER TABLE "reference_counter"
  ADD CONSTRAINT "reference_counter_positive" CHECK ("last_value" BETWEEN 1 AND 999999 AND "year" BETWEEN 2000 AND 9999);

ALTER TABLE "decision"
  ADD CONSTRAINT "decision_dismissal_has_motif" CHECK ("kind" <> 'DISMISSAL' OR "dismissal_reason_code" IS NOT NULL),
  ADD CONSTRAINT "decision_reasons_not_blank" CHECK (char_length(btrim("reasons")) > 0);

ALTER TABLE "message"
  ADD CONSTRAINT "message_body_not_blank" CHECK (char_length(btrim("body")) > 0);

ALTER TABLE "audit_event"
  ADD CONSTRAINT "audit_event_hash_format" CHECK ("hash" ~ '^[0-9a-f]{64}$' AND "prev_hash" ~ '^[0-9a-f]{64}$');

-- Le journal d'audit est en ajout seul : ni modification ni suppression ligne à ligne.
CREATE FUNCTION "audit_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'Le journal d''audit est en ajout seul (%).', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER "audit_event_no_update" BEFORE UPDATE OR DELETE ON "audit_event"
  FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"();

-- Motifs de classement sans suite usuels (table paramétrable ensuite).
INSERT INTO "dismissal_reason" ("code", "label") VALUES
  ('11', 'Absence d''infraction'),
  ('21', 'Infraction insuffisamment caractérisée'),
  ('31', 'Extinction de l''action publique : décès du mis en cause'),
  ('32', 'Extinction de l''action publique : prescription'),
  ('33', 'Extinction de l''action publique : amnistie'),
  ('34', 'Extinction de l''action publique : abrogation de la loi pénale'),
  ('35', 'Extinction de l''action publique : autorité de la chose jugée'),
  ('36', 'Irresponsabilité pénale de l''auteur'),
  ('37', 'Immunité'),
  ('41', 'Recherches infructueuses'),
  ('42', 'Désistement du plaignant'),
  ('43', 'État mental déficient'),
  ('44', 'Carence du plaignant'),
  ('45', 'Comportement de la victime'),
  ('46', 'Victime désintéressée d''office'),
  ('47', 'Préjudice ou trouble peu important'),
  ('48', 'Régularisation d''office'),
  ('51', 'Réparation du mineur'),
  ('52', 'Médiation réussie'),
  ('53', 'Plaignant désintéressé sur demande du parquet'),
  ('54', 'Régularisation sur demande du parquet'),
  ('55', 'Rappel à la loi'),
  ('56', 'Orientation vers une structure sanitaire, sociale ou professionnelle'),
  ('57', 'Composition pénale exécutée'),
  ('58', 'Autre mesure alternative réussie'),
  ('61', 'Autres poursuites ou sanctions de nature non pénale'),
  ('71', 'Auteur inconnu');
