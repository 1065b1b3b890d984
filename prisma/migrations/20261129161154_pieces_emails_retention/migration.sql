-- CreateEnum
CREATE TYPE "NotificationEvent" AS ENUM ('PROOF_OF_DEPOSIT', 'URGENT_RECEIVED', 'ESCALATION', 'INFORMATION_REQUESTED', 'INFORMATION_ANSWERED', 'DECISION');

-- CreateEnum
CREATE TYPE "NotificationFrequency" AS ENUM ('IMMEDIATE', 'DAILY_DIGEST', 'NEVER');

-- CreateEnum
CREATE TYPE "EmailStatus" AS ENUM ('PENDING', 'SENT');

-- AlterTable
ALTER TABLE "app_user" ADD COLUMN     "on_duty" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "piece" (
    "id" UUID NOT NULL,
    "signalement_id" UUID NOT NULL,
    "message_id" UUID,
    "filename" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "storage_key" TEXT NOT NULL,
    "uploaded_by_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "added_after_transmission" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "piece_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_preference" (
    "user_id" UUID NOT NULL,
    "event" "NotificationEvent" NOT NULL,
    "frequency" "NotificationFrequency" NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "notification_preference_pkey" PRIMARY KEY ("user_id","event")
);

-- CreateTable
CREATE TABLE "notification_cursor" (
    "name" TEXT NOT NULL,
    "last_event_id" BIGINT NOT NULL,

    CONSTRAINT "notification_cursor_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "outgoing_email" (
    "id" UUID NOT NULL,
    "to_address" TEXT NOT NULL,
    "user_id" UUID,
    "event" "NotificationEvent",
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT,
    "signalement_id" UUID,
    "audit_event_id" BIGINT,
    "status" "EmailStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "outgoing_email_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "digest_item" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "event" "NotificationEvent" NOT NULL,
    "signalement_id" UUID,
    "reference" TEXT,
    "title" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "email_id" UUID,

    CONSTRAINT "digest_item_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "signalement_tombstone" (
    "id" UUID NOT NULL,
    "reference" TEXT,
    "administration_id" UUID NOT NULL,
    "parquet_id" UUID,
    "status_at_purge" "SignalementStatus" NOT NULL,
    "content_hash" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "transmitted_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),
    "purged_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "piece_count" INTEGER NOT NULL DEFAULT 0,
    "purge_event_id" BIGINT,

    CONSTRAINT "signalement_tombstone_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "piece_storage_key_key" ON "piece"("storage_key");

-- CreateIndex
CREATE INDEX "piece_signalement_id_created_at_idx" ON "piece"("signalement_id", "created_at");

-- CreateIndex
CREATE INDEX "piece_message_id_idx" ON "piece"("message_id");

-- CreateIndex
CREATE INDEX "outgoing_email_status_next_attempt_at_idx" ON "outgoing_email"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "outgoing_email_signalement_id_idx" ON "outgoing_email"("signalement_id");

-- CreateIndex
CREATE INDEX "digest_item_user_id_email_id_idx" ON "digest_item"("user_id", "email_id");

-- CreateIndex
CREATE INDEX "digest_item_signalement_id_idx" ON "digest_item"("signalement_id");

-- CreateIndex
CREATE UNIQUE INDEX "signalement_tombstone_reference_key" ON "signalement_tombstone"("reference");

-- CreateIndex
CREATE INDEX "signalement_tombstone_administration_id_idx" ON "signalement_tombstone"("administration_id");

-- CreateIndex
CREATE INDEX "signalement_tombstone_parquet_id_idx" ON "signalement_tombstone"("parquet_id");

-- AddForeignKey
ALTER TABLE "piece" ADD CONSTRAINT "piece_signalement_id_fkey" FOREIGN KEY ("signalement_id") REFERENCES "signalement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "piece" ADD CONSTRAINT "piece_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "piece" ADD CONSTRAINT "piece_uploaded_by_id_fkey" FOREIGN KEY ("uploaded_by_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_preference" ADD CONSTRAINT "notification_preference_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "digest_item" ADD CONSTRAINT "digest_item_email_id_fkey" FOREIGN KEY ("email_id") REFERENCES "outgoing_email"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Contraintes écrites à la main : une pièce n'est jamais vide, son empreinte est un SHA-256 en hexadécimal,
-- et une fois déposée elle ne change plus (seule sa suppression, d'un brouillon ou par la purge, est permise).
ALTER TABLE "piece" ADD CONSTRAINT "piece_size_positive" CHECK ("size" > 0);
ALTER TABLE "piece" ADD CONSTRAINT "piece_sha256_format" CHECK ("sha256" ~ '^[0-9a-f]{64}$');
CREATE FUNCTION piece_is_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'piece % est immuable', OLD.id USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER piece_no_update BEFORE UPDATE ON "piece" FOR EACH ROW EXECUTE FUNCTION piece_is_immutable();
ALTER TABLE "outgoing_email" ADD CONSTRAINT "outgoing_email_attempts_positive" CHECK ("attempts" >= 0);
