# Statements that carry attack text but are harmless once parsed: accepted, and what runs names
# only the plugin's own tables (the text 'secret' does not survive re-serialization).
SELECT * FROM notes /* ; DROP TABLE secret */
SELECT * FROM notes -- ; DROP TABLE secret
SELECT * FROM notes WHERE body = 'secret; DROP TABLE secret'
SELECT * FROM notes WHERE body = '''; DROP TABLE secret; --'
WITH secret AS (SELECT * FROM notes) SELECT * FROM secret
WITH RECURSIVE secret AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM secret WHERE n < 3) SELECT * FROM secret
SELECT secret.id FROM notes AS secret
SELECT * FROM notes WHERE id IN (WITH secret AS (SELECT id FROM note_tags) SELECT id FROM secret)
SELECT * FROM notes /*! UNION SELECT * FROM secret */
SELECT * FROM /*! secret, */ notes
SELECT /*+ secret */ * FROM notes
