-- AlterTable
ALTER TABLE "signalement" ADD COLUMN     "escalation_count" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "signalement_status_urgent_transmitted_at_idx" ON "signalement"("status", "urgent", "transmitted_at");

ALTER TABLE "signalement" ADD CONSTRAINT "signalement_escalation_count_positive" CHECK ("escalation_count" >= 0);
