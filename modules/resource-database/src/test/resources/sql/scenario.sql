# Legitimate statements a plugin (tables: notes, note_tags, archive) runs in order, with what each
# must return. Run on H2 and PostgreSQL alike. Format: <statement> => <expectation>, where the
# expectation is 'ok' (any result), '#N' (update count N), 'rows:' followed by rows separated by
# ' | ', each 'label=value,label=value' (values compared as text), or 'error' (the database itself
# refuses it). Lines starting with 'pg:' run on PostgreSQL only.
# A value the database changes the case of has no 'i': H2 follows the JVM's locale, where Turkish
# upper-cases it to a dotted capital.
CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(200) NOT NULL, score INTEGER DEFAULT 0) => ok
CREATE TABLE note_tags (note_id INTEGER NOT NULL REFERENCES notes (id), tag VARCHAR(50) NOT NULL) => ok
CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY) => ok
CREATE INDEX note_tags_by_tag ON note_tags (tag) => ok
INSERT INTO notes (id, body) VALUES (1, 'apples') => #1
INSERT INTO notes (id, body, score) VALUES (2, 'bananas', 5), (3, 'currants', 7) => #2
INSERT INTO notes (id, body, score) VALUES (?, ?, ?) | 4, dates, 3 => #1
INSERT INTO note_tags (note_id, tag) VALUES (1, 'fruit'), (1, 'red'), (2, 'fruit'), (3, 'red'), (3, 'fruit') => #5
SELECT count(*) AS n FROM notes => rows: n=4
SELECT id, body FROM notes WHERE id = ? | 2 => rows: id=2,body=bananas
SELECT id FROM notes ORDER BY id => rows: id=1 | id=2 | id=3 | id=4
SELECT id FROM notes WHERE body IS DISTINCT FROM $1 AND id < $2 ORDER BY id | apples, 3 => rows: id=2
pg: SELECT id FROM notes WHERE to_tsvector('english', body) @@ websearch_to_tsquery('english', $1) | apple => rows: id=1
pg: SELECT id, ts_rank(setweight(to_tsvector('simple', body), 'A'), plainto_tsquery('simple', 'bananas')) > 0 AS hit FROM notes WHERE id = 2 => rows: id=2,hit=true
SELECT id FROM notes ORDER BY id DESC LIMIT 2 => rows: id=4 | id=3
SELECT id FROM notes ORDER BY id LIMIT 2 OFFSET 1 => rows: id=2 | id=3
SELECT notes.id FROM notes WHERE notes.score > 4 ORDER BY notes.id => rows: id=2 | id=3
SELECT n.body, t.tag FROM notes n JOIN note_tags t ON t.note_id = n.id WHERE n.id = 1 ORDER BY t.tag => rows: body=apples,tag=fruit | body=apples,tag=red
SELECT n.id, count(t.tag) AS tags FROM notes n LEFT JOIN note_tags t ON t.note_id = n.id GROUP BY n.id ORDER BY n.id => rows: id=1,tags=2 | id=2,tags=1 | id=3,tags=2 | id=4,tags=0
SELECT tag, count(*) AS uses FROM note_tags GROUP BY tag HAVING count(*) > 2 => rows: tag=fruit,uses=3
SELECT id FROM notes WHERE id IN (SELECT note_id FROM note_tags WHERE tag = ?) ORDER BY id | red => rows: id=1 | id=3
SELECT id FROM notes n WHERE NOT EXISTS (SELECT 1 FROM note_tags t WHERE t.note_id = n.id) => rows: id=4
SELECT (SELECT count(*) FROM note_tags t WHERE t.note_id = n.id) AS tags FROM notes n WHERE n.id = 3 => rows: tags=2
SELECT max(score) AS top, min(score) AS bottom, sum(score) AS total FROM notes => rows: top=7,bottom=0,total=15
SELECT body FROM notes WHERE body LIKE 'b%' => rows: body=bananas
SELECT upper(body) AS loud FROM notes WHERE id = 1 => rows: loud=APPLES
SELECT coalesce(max(id), 0) + 1 AS next_id FROM notes => rows: next_id=5
SELECT CASE WHEN score > 4 THEN 'high' ELSE 'low' END AS level FROM notes ORDER BY id => rows: level=low | level=high | level=high | level=low
SELECT DISTINCT tag FROM note_tags ORDER BY tag => rows: tag=fruit | tag=red
SELECT id FROM notes WHERE score BETWEEN 3 AND 5 ORDER BY id => rows: id=2 | id=4
SELECT id FROM notes UNION SELECT note_id FROM note_tags ORDER BY 1 => rows: id=1 | id=2 | id=3 | id=4
SELECT id FROM notes EXCEPT SELECT note_id FROM note_tags => rows: id=4
SELECT id, row_number() OVER (ORDER BY score DESC) AS place FROM notes WHERE score > 0 ORDER BY place => rows: id=3,place=1 | id=2,place=2 | id=4,place=3
SELECT sized.id FROM (SELECT id, length(body) AS size FROM notes) sized WHERE sized.size > 6 ORDER BY sized.id => rows: id=2 | id=3
WITH tagged AS (SELECT note_id, count(*) AS tags FROM note_tags GROUP BY note_id) SELECT n.id, tagged.tags FROM notes n JOIN tagged ON tagged.note_id = n.id WHERE tagged.tags > 1 ORDER BY n.id => rows: id=1,tags=2 | id=3,tags=2
WITH positive AS (SELECT id FROM notes WHERE score > 0), later AS (SELECT id FROM positive WHERE id > 2) SELECT id FROM later ORDER BY id => rows: id=3 | id=4
WITH RECURSIVE counter (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM counter WHERE n < 4) SELECT n FROM counter => rows: n=1 | n=2 | n=3 | n=4
WITH notes AS (SELECT 42 AS id) SELECT id FROM notes => rows: id=42
UPDATE notes SET score = score + 1 WHERE id = ? | 1 => #1
UPDATE notes SET body = upper(body) WHERE score > 6 => #1
UPDATE notes n SET score = 10 WHERE EXISTS (SELECT 1 FROM note_tags t WHERE t.note_id = n.id AND t.tag = 'red') => #2
SELECT id, score FROM notes ORDER BY id => rows: id=1,score=10 | id=2,score=5 | id=3,score=10 | id=4,score=3
SELECT body FROM notes WHERE id = 3 => rows: body=CURRANTS
DELETE FROM note_tags WHERE tag = ? | red => #2
DELETE FROM note_tags WHERE note_id NOT IN (SELECT id FROM notes WHERE score > 5) => #1
SELECT note_id, tag FROM note_tags ORDER BY note_id => rows: note_id=1,tag=fruit | note_id=3,tag=fruit
ALTER TABLE notes ADD COLUMN title VARCHAR(100) => ok
UPDATE notes SET title = 'T' || id => #4
SELECT title FROM notes WHERE id = 2 => rows: title=T2
ALTER TABLE notes DROP COLUMN title => ok
INSERT INTO notes (id, body) VALUES (1, 'duplicate') => error
INSERT INTO note_tags (note_id, tag) VALUES (99, 'orphan') => error
CREATE TABLE archive AS SELECT id, body FROM notes WHERE score >= 10 => ok
SELECT count(*) AS n FROM archive => rows: n=2
INSERT INTO archive (id, body) SELECT id, body FROM notes WHERE id = 4 => #1
SELECT id FROM archive ORDER BY id => rows: id=1 | id=3 | id=4
pg: INSERT INTO notes (id, body) VALUES (5, 'elderberries') RETURNING id, body => rows: id=5,body=elderberries
pg: INSERT INTO notes (id, body) VALUES (5, 'again') ON CONFLICT (id) DO UPDATE SET body = excluded.body => #1
pg: SELECT body FROM notes WHERE id = 5 => rows: body=again
pg: UPDATE notes SET score = 1 WHERE id = 5 RETURNING score => rows: score=1
pg: SELECT n.id FROM notes n LEFT JOIN note_tags t ON t.note_id = n.id WHERE n.id = 5 FOR UPDATE OF n SKIP LOCKED => rows: id=5
pg: ALTER TABLE notes ADD CONSTRAINT notes_body_unique UNIQUE (body) => ok
pg: INSERT INTO notes (id, body) VALUES (6, 'again') ON CONFLICT ON CONSTRAINT notes_body_unique DO NOTHING => #0
pg: INSERT INTO notes (id, body) VALUES (6, 'again') ON CONFLICT ON CONSTRAINT notes_body_unique DO UPDATE SET score = 2 => #1
pg: SELECT score FROM notes WHERE id = 5 => rows: score=2
pg: ALTER TABLE notes DROP CONSTRAINT notes_body_unique => ok
pg: DELETE FROM notes WHERE id = 5 RETURNING id => rows: id=5
pg: SELECT '{"a": {"b": 1, "c": 2}}'::jsonb #- '{a,b}' AS rest => rows: rest={"a": {"c": 2}}
pg: UPDATE notes SET body = ('{"kept": 1, "gone": 2}'::jsonb #- ARRAY[$1])::text WHERE id = $2 | gone, 4 => #1
pg: SELECT body, 6 # -3 AS bits FROM notes WHERE id = 4 => rows: body={"kept": 1},bits=-5
pg: SELECT id FROM notes WHERE id = $2 AND '{"k": "v"}'::jsonb ->> $1 = 'v' | k, 1 => rows: id=1
pg: SELECT n.id, e.tag FROM notes n, LATERAL jsonb_array_elements_text('["b", "a"]'::jsonb) WITH ORDINALITY AS e(tag, place) WHERE n.id = 1 ORDER BY e.place => rows: id=1,tag=b | id=1,tag=a
pg: SELECT count(*) AS days FROM generate_series(1, 7) AS g(d) WHERE d NOT IN (SELECT id FROM notes) => rows: days=3
INSERT INTO archive (id, body) VALUES (9, 'again') => #1
TRUNCATE TABLE archive RESTART IDENTITY => ok
SELECT count(*) AS n FROM archive => rows: n=0
DROP INDEX note_tags_by_tag => ok
DROP TABLE archive => ok
DROP TABLE note_tags => ok
SELECT count(*) AS n FROM notes => rows: n=4
