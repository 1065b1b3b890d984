-- CreateIndex
CREATE INDEX "signalement_administration_id_created_at_id_idx" ON "signalement"("administration_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "signalement_parquet_id_created_at_id_idx" ON "signalement"("parquet_id", "created_at" DESC, "id" DESC);
