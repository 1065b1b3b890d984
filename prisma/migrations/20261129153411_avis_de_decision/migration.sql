-- AlterTable
ALTER TABLE "decision" ADD COLUMN     "avis_read_at" TIMESTAMPTZ(3),
ADD COLUMN     "avis_read_by_id" UUID;

-- AddForeignKey
ALTER TABLE "decision" ADD CONSTRAINT "decision_avis_read_by_id_fkey" FOREIGN KEY ("avis_read_by_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- La première lecture se note d'un bloc : date et lecteur ensemble, ou rien.
ALTER TABLE "decision" ADD CONSTRAINT "decision_avis_read_complete" CHECK (("avis_read_at" IS NULL) = ("avis_read_by_id" IS NULL));
