# Statements a plugin 'crm' (tables: notes, note_tags) may run: every one must be accepted.
CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(2000) NOT NULL)
CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body VARCHAR(2000) NOT NULL)
CREATE TABLE note_tags (note_id INTEGER NOT NULL REFERENCES notes (id), tag VARCHAR(100) NOT NULL)
CREATE TABLE note_tags (note_id INTEGER NOT NULL, tag VARCHAR(100) NOT NULL, FOREIGN KEY (note_id) REFERENCES notes (id))
CREATE TABLE notes (id INTEGER, body VARCHAR(100) DEFAULT 'none', created TIMESTAMP DEFAULT CURRENT_TIMESTAMP)
CREATE TABLE notes (id INTEGER CHECK (id > 0), body VARCHAR(100))
CREATE TEMPORARY TABLE notes (id INTEGER)
CREATE TABLE notes AS SELECT * FROM note_tags
CREATE INDEX notes_body ON notes (body)
CREATE UNIQUE INDEX note_tags_unique ON note_tags (note_id, tag)
DROP INDEX notes_body
DROP TABLE notes
DROP TABLE IF EXISTS notes
DROP TABLE note_tags, notes
ALTER TABLE notes ADD COLUMN title VARCHAR(200)
ALTER TABLE notes DROP COLUMN title
ALTER TABLE notes ALTER COLUMN body SET NOT NULL
ALTER TABLE notes ADD CONSTRAINT body_not_empty CHECK (body <> '')
ALTER TABLE note_tags ADD CONSTRAINT tags_note FOREIGN KEY (note_id) REFERENCES notes (id)
ALTER TABLE notes RENAME COLUMN body TO content
TRUNCATE notes
TRUNCATE TABLE note_tags
TRUNCATE notes, note_tags RESTART IDENTITY CASCADE
INSERT INTO notes (id, body) VALUES (?, ?)
INSERT INTO notes (id, body) VALUES (1, 'a'), (2, 'b')
INSERT INTO notes VALUES (3, 'c')
INSERT INTO note_tags (note_id, tag) SELECT id, 'copied' FROM notes WHERE id < ?
INSERT INTO notes (id, body) VALUES (1, 'x') RETURNING id
INSERT INTO notes (id, body) VALUES (1, 'x') ON CONFLICT (id) DO UPDATE SET body = excluded.body
INSERT INTO notes (id, body) VALUES (1, 'x') ON CONFLICT DO NOTHING
UPDATE notes SET body = ? WHERE id = ?
UPDATE notes SET body = upper(body)
UPDATE notes n SET body = 'tagged' WHERE EXISTS (SELECT 1 FROM note_tags t WHERE t.note_id = n.id)
UPDATE notes SET body = 'x' WHERE notes.id = 1
UPDATE notes SET body = 'x' RETURNING id, body
DELETE FROM notes WHERE id = ?
DELETE FROM note_tags WHERE note_id NOT IN (SELECT id FROM notes)
DELETE FROM notes RETURNING id
SELECT * FROM notes
SELECT id, body FROM notes WHERE id = ?
SELECT notes.id, notes.body FROM notes
SELECT n.* FROM notes n
SELECT notes.* FROM notes
SELECT count(*) FROM notes
SELECT n.id, t.tag FROM notes n JOIN note_tags t ON t.note_id = n.id ORDER BY t.tag
SELECT n.id, t.tag FROM notes n LEFT JOIN note_tags t ON t.note_id = n.id
SELECT n.id FROM notes n WHERE EXISTS (SELECT 1 FROM note_tags t WHERE t.note_id = n.id)
SELECT id FROM notes WHERE id IN (SELECT note_id FROM note_tags WHERE tag = ?)
SELECT tag, count(*) AS uses FROM note_tags GROUP BY tag HAVING count(*) > 1 ORDER BY uses DESC
SELECT id, body, row_number() OVER (ORDER BY id) AS position FROM notes
SELECT id FROM notes UNION SELECT note_id FROM note_tags
SELECT id FROM notes EXCEPT SELECT note_id FROM note_tags
SELECT CASE WHEN body LIKE 'a%' THEN 'a' ELSE 'other' END AS kind FROM notes
SELECT coalesce(max(id), 0) + 1 FROM notes
SELECT * FROM notes ORDER BY id LIMIT 10 OFFSET 20
SELECT DISTINCT tag FROM note_tags
SELECT * FROM (SELECT id, length(body) AS size FROM notes) sized WHERE size > 3
WITH tagged AS (SELECT note_id, count(*) AS tags FROM note_tags GROUP BY note_id) SELECT n.id, tagged.tags FROM notes n JOIN tagged ON tagged.note_id = n.id
WITH first AS (SELECT id FROM notes), second AS (SELECT id FROM first) SELECT * FROM second
WITH RECURSIVE counter AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM counter WHERE n < 5) SELECT n FROM counter
WITH notes AS (SELECT 1 AS id) SELECT * FROM notes
SELECT (SELECT count(*) FROM note_tags t WHERE t.note_id = n.id) AS tags FROM notes n
SELECT 1
SELECT current_timestamp
SELECT "notes"."id" FROM "notes"
SELECT * FROM NOTES
SELECT id FROM notes WHERE body IS NOT NULL AND id BETWEEN 1 AND 10
CREATE TABLE notes (id INTEGER, sequencename_x INTEGER CHECK (sequencename_x > 0))
SELECT lpad(CAST(id AS VARCHAR(10)), 6, '0') AS code FROM notes
SELECT body::jsonb -> 'a' FROM notes
SELECT body::jsonb ->> 'a' FROM notes WHERE body::jsonb #>> '{a,b}' = ?
SELECT body::jsonb -> 'items' -> 0 ->> 'name' FROM notes
SELECT body::jsonb ->> lower(body) FROM notes
SELECT id FROM notes WHERE id = ANY(?) AND body <> ALL(ARRAY['a', 'b'])
SELECT n.id, t.tag FROM notes n CROSS JOIN LATERAL unnest(string_to_array(n.body, ',')) WITH ORDINALITY AS t(tag, place)
SELECT n.id FROM notes n JOIN note_tags t ON t.note_id = n.id ORDER BY n.id LIMIT 1 FOR UPDATE OF n SKIP LOCKED
UPDATE notes SET body = ? WHERE id = (SELECT q.id FROM notes q WHERE q.body = ? LIMIT 1 FOR NO KEY UPDATE OF q SKIP LOCKED) RETURNING id
INSERT INTO note_tags (note_id, tag) SELECT * FROM unnest(?::int[], ?::text[])
SELECT body::jsonb #- '{a,b}' FROM notes WHERE body::jsonb #- '{c}' <> '{}'
UPDATE notes SET body = (body::jsonb #- ARRAY[$1])::text WHERE id = $2
CREATE INDEX notes_lower ON notes ((lower(body)))
CREATE INDEX notes_body_desc ON notes (body DESC NULLS LAST)
CREATE INDEX notes_body_pattern ON notes (body text_pattern_ops)
CREATE INDEX notes_body_c ON notes (body COLLATE "C") INCLUDE (id)
CREATE TABLE notes (id NUMERIC(10, 2), t TIMESTAMP(3), v VARCHAR(100)[], "Body" TEXT)
ALTER TABLE notes ADD CONSTRAINT u UNIQUE (id, "Body")
ALTER TABLE notes ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY
WITH c(a, b) AS (SELECT id, body FROM notes) SELECT a FROM c
CREATE SEQUENCE notes
CREATE SEQUENCE notes START WITH 100 INCREMENT BY 10 NO CYCLE
ALTER SEQUENCE notes RESTART WITH 1
DROP SEQUENCE IF EXISTS notes
