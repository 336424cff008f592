-- Trigram indexes, used to find duplicate persons by name without scanning
-- every row. pg_trgm is a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
