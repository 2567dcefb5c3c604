-- Lock order of the term statistics: a writer that adds or removes entries takes the knowledge_stats row
-- first, then its terms (sorted). Terms first let a write hold a term that an open import (several
-- statements in one transaction, the stats row already held) still needed: a deadlock, and the import
-- was rolled back. With the stats row first, such a write waits, holding nothing, until the import commits.
-- Updates leave the count alone and take only their terms. Every trigger locks terms in sorted order.
CREATE OR REPLACE FUNCTION kaizen_terms_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE knowledge_stats SET entries = entries + (SELECT count(*) FROM kaizen_new_rows) WHERE id = 1;
  INSERT INTO knowledge_terms AS kt (term, df)
  SELECT t.term, count(*)::int FROM kaizen_new_rows r, unnest(tsvector_to_array(r.search)) AS t(term)
  GROUP BY t.term ORDER BY t.term
  ON CONFLICT (term) DO UPDATE SET df = kt.df + excluded.df;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION kaizen_terms_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE knowledge_stats SET entries = entries - (SELECT count(*) FROM kaizen_old_rows) WHERE id = 1;
  -- An upsert, like the other two, so that the terms are locked in sorted order (an UPDATE ... FROM
  -- locks them in join order). Every term of a deleted row has its row; the insert branch never runs.
  INSERT INTO knowledge_terms AS kt (term, df)
  SELECT t.term, -count(*)::int FROM kaizen_old_rows r, unnest(tsvector_to_array(r.search)) AS t(term)
  GROUP BY t.term ORDER BY t.term
  ON CONFLICT (term) DO UPDATE SET df = kt.df + excluded.df;
  RETURN NULL;
END $$;
