-- Ranking: IDF statistics kept per write, pg_trgm for misspelt terms, dotted names indexed joined and split.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TABLE "knowledge_stats" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"entries" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_terms" (
	"term" text PRIMARY KEY NOT NULL,
	"df" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "knowledge" drop column "search";--> statement-breakpoint
ALTER TABLE "knowledge" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', regexp_replace(coalesce(context, ''), '([[:alpha:]]+)[.]([[:alpha:]]+)', '\1\2 \1 \2', 'g')), 'A') || setweight(to_tsvector('english', regexp_replace(coalesce(content, ''), '([[:alpha:]]+)[.]([[:alpha:]]+)', '\1\2 \1 \2', 'g')), 'B')) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "knowledge_terms_prefix_idx" ON "knowledge_terms" USING btree (left("term", 2));--> statement-breakpoint
-- Dropping the column dropped its index.
CREATE INDEX "knowledge_search_idx" ON "knowledge" USING gin ("search");--> statement-breakpoint
-- Statement-level triggers keep knowledge_terms and knowledge_stats exact at the cost of one upsert per
-- distinct lexeme of the written rows (a bulk INSERT pays once per lexeme, not once per row). Terms are
-- written in sorted order so that concurrent writers lock shared rows in the same order. A term whose
-- count drops to 0 is kept (readers ignore it): deleting it would race with a concurrent insert.
CREATE FUNCTION kaizen_terms_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO knowledge_terms AS kt (term, df)
  SELECT t.term, count(*)::int FROM kaizen_new_rows r, unnest(tsvector_to_array(r.search)) AS t(term)
  GROUP BY t.term ORDER BY t.term
  ON CONFLICT (term) DO UPDATE SET df = kt.df + excluded.df;
  UPDATE knowledge_stats SET entries = entries + (SELECT count(*) FROM kaizen_new_rows) WHERE id = 1;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION kaizen_terms_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE knowledge_terms AS kt SET df = kt.df - d.n
  FROM (
    SELECT t.term, count(*)::int AS n FROM kaizen_old_rows r, unnest(tsvector_to_array(r.search)) AS t(term)
    GROUP BY t.term ORDER BY t.term
  ) d
  WHERE kt.term = d.term;
  UPDATE knowledge_stats SET entries = entries - (SELECT count(*) FROM kaizen_old_rows) WHERE id = 1;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION kaizen_terms_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO knowledge_terms AS kt (term, df)
  SELECT t.term, sum(d.sign)::int
  FROM (
    SELECT search, 1 AS sign FROM kaizen_new_rows
    UNION ALL
    SELECT search, -1 AS sign FROM kaizen_old_rows
  ) d, unnest(tsvector_to_array(d.search)) AS t(term)
  GROUP BY t.term HAVING sum(d.sign) <> 0 ORDER BY t.term
  ON CONFLICT (term) DO UPDATE SET df = kt.df + excluded.df;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER knowledge_terms_insert AFTER INSERT ON knowledge
  REFERENCING NEW TABLE AS kaizen_new_rows FOR EACH STATEMENT EXECUTE FUNCTION kaizen_terms_inserted();--> statement-breakpoint
CREATE TRIGGER knowledge_terms_delete AFTER DELETE ON knowledge
  REFERENCING OLD TABLE AS kaizen_old_rows FOR EACH STATEMENT EXECUTE FUNCTION kaizen_terms_deleted();--> statement-breakpoint
CREATE TRIGGER knowledge_terms_update AFTER UPDATE ON knowledge
  REFERENCING OLD TABLE AS kaizen_old_rows NEW TABLE AS kaizen_new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION kaizen_terms_updated();--> statement-breakpoint
INSERT INTO knowledge_stats (id, entries) SELECT 1, count(*)::int FROM knowledge;--> statement-breakpoint
INSERT INTO knowledge_terms (term, df)
SELECT t.term, count(*)::int FROM knowledge k, unnest(tsvector_to_array(k.search)) AS t(term)
GROUP BY t.term;
