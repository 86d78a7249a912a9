# Statements from the 2026-11 attack on the guard, by class, that must be refused on H2 and PostgreSQL.
# Plugin 'crm' declares notes and note_tags; 'secret' belongs to someone else. One statement a line.
# --- 2. lexing: text the guard and the database would read differently
ALTER TABLE notes ADD COLUMN w text DEFAULT $a$'$a$ || current_user || $a$'$a$
ALTER TABLE notes ADD COLUMN w text DEFAULT $$x$$
CREATE TABLE notes (id INTEGER, w text DEFAULT $a$'$a$ || (SELECT body FROM secret) || $a$'$a$)
SELECT $a$'$a$ || (SELECT body FROM secret LIMIT 1) || $a$'$a$ FROM notes
SELECT $$ $$ FROM notes
SELECT $tag$x$tag$ FROM notes
SELECT E'a\'b' FROM notes
SELECT e'\x41' FROM notes
SELECT 'a\'' FROM notes
SELECT 'a\''' || (SELECT body FROM secret) || '' FROM notes
SELECT U&'\0061' FROM notes
SELECT * FROM U&"\0073ecret"
SELECT N'x' FROM notes
SELECT X'41' FROM notes
SELECT B'01' FROM notes
SELECT regclass 'secret'
SELECT int4 '1' FROM notes
SELECT body 'x' FROM notes
SELECT 'a'\n'b' FROM notes
SELECT /* outer /* inner */ still comment */ 1 FROM notes
SELECT 1 /* unterminated FROM notes
SELECT "unterminated FROM notes
SELECT 'unterminated FROM notes
SELECT a$b FROM notes
SELECT $1$ FROM notes
SELECT 1\u0000 FROM notes
# '#' and '@' are identifier characters to JSqlParser (T-SQL's #temp, @var) and operators to PostgreSQL:
# JSqlParser reads one column 'body#current_user', PostgreSQL 'body # current_user' (found 2026-12-06).
SELECT body@@current_user FROM notes
SELECT body@@current_schema FROM notes
SELECT body#current_user FROM notes
SELECT id FROM notes WHERE body@@current_catalog
SELECT notes.body@@session_user FROM notes
SELECT id AS a#current_user FROM notes
SELECT count(*) FROM notes GROUP BY id#current_user
UPDATE notes SET body = id#current_role
SELECT body@@pg_catalog.current_schema FROM notes
SELECT notes.body#x.y FROM notes
CREATE TABLE note_tags (not@e_id INTEGER)
ALTER TABLE notes RENAME COLUMN body TO content#
ALTER TABLE notes ADD COLUMN ti#tle text
SELECT id FROM notes AS n(a#b)
SELECT x FROM (SELECT 1) AS t(x@current_user)
CREATE TABLE notes (id INTEGER, UNIQUE (id) USING Ipg_catalog.NDEX TABLESPACE pg_default)
# Informix's SELECT FIRST/LIMIT/SKIP n: JSqlParser keeps the name after it as text and the rest as a
# column, PostgreSQL reads an empty select list and a LIMIT clause that calls the function.
SELECT LIMIT setval('"vault_orders_id_seq"', 1)
SELECT LIMIT pg_relation_size('"vault_secret"', 'main')
SELECT FIRST setval('"vault_orders_id_seq"', 1)
SELECT SKIP setval('"vault_orders_id_seq"', 1)
SELECT LIMIT lo_from_bytea(0, 'x')
# A word PostgreSQL reserves is not a name to it, whatever JSqlParser made of it.
SELECT offset FROM notes
SELECT notes.offset FROM notes
SELECT id FROM notes AS n(a, limit)
# Text JSqlParser keeps whole and writes back as it came, in places no rule above names: each must be one
# token the audit can read.
ALTER TABLE notes ALTER COLUMN body#current_user SET NOT NULL
CREATE TABLE note_tags (note_id INTEGER REFERENCES notes (id#current_user))
SELECT id FROM notes WHERE id < = 3
# A tree JSqlParser builds but cannot write back (a ROW type with no field type): its NullPointerException
# reached the plugin instead of a refusal (found 2026-12-06).
SELECT CAST(body AS ROW(a text)) FROM notes
SELECT CAST(body AS ROW(a text pg_sleep(1))) FROM notes
# --- 3. role switching and SQL given as text
SELECT set_config('role', 'postgres', true)
SELECT set_config('role', 'postgres', false) FROM notes
SELECT current_setting('role')
SELECT current_setting('data_directory')
SELECT query_to_xml('SELECT * FROM secret', true, true, '')
SELECT table_to_xml('secret', true, true, '')
SELECT ts_stat('SELECT to_tsvector(body) FROM secret')
SELECT ts_rewrite('a'::tsquery, 'SELECT * FROM secret')
SELECT xpath('/x', query_to_xml('SELECT 1', true, true, ''))
SELECT dblink('dbname=postgres', 'SELECT 1')
SELECT pg_read_file('PG_VERSION')
SELECT pg_ls_dir('.')
SELECT lo_import('/etc/passwd')
SELECT lo_export(1, '/tmp/x')
SELECT pg_sleep(10)
SELECT pg_terminate_backend(1)
SELECT pg_reload_conf()
SELECT pg_cancel_backend(1)
SELECT format('SELECT * FROM %I', 'secret')
SELECT cursor_to_xml('c', 1, true, true, '')
SELECT database_to_xml(true, true, '')
SELECT schema_to_xml('public', true, true, '')
SELECT exec('x')
SELECT CSVREAD('/etc/passwd')
SELECT FILE_READ('/etc/passwd')
SELECT FILE_WRITE('x', '/tmp/x')
# --- 4. catalog and sequence reach
SELECT x::oid::regclass::text FROM generate_series(1, 20000) x
SELECT 1::oid::regclass
SELECT 10::oid::regrole
SELECT 'secret'::regclass
SELECT 'secret'::regclass::oid
SELECT CAST('secret' AS regclass)
SELECT CAST(1 AS regproc)
SELECT 'now'::regtype
SELECT 1::regnamespace
SELECT json_populate_record(NULL::secret, '{}')
SELECT jsonb_populate_record(NULL::secret, '{}')
SELECT NULL::secret
SELECT CAST(NULL AS secret)
SELECT row_to_json(NULL::secret)
SELECT nextval('other_seq')
SELECT nextval('secret_id_seq')
SELECT currval('other_seq')
SELECT setval('other_seq', 1)
SELECT lastval()
SELECT NEXT VALUE FOR other_seq
SELECT NEXT VALUE FOR notes
CREATE TABLE notes (id INTEGER DEFAULT nextval('other_seq'))
ALTER TABLE notes ADD COLUMN n INTEGER DEFAULT nextval('other_seq')
SELECT DB_OBJECT_SQL('TABLE', 'public', 'secret')
SELECT DB_OBJECT_ID('TABLE', 'public', 'secret')
SELECT to_regclass('secret')
SELECT has_table_privilege('secret', 'select')
SELECT obj_description(1)
SELECT col_description(1, 1)
SELECT txid_current()
SELECT inet_server_addr()
SELECT version()
SELECT current_database()
SELECT current_schema()
SELECT current_schemas(true)
SELECT quote_ident('secret')
SELECT current_user
SELECT session_user
SELECT USER
SELECT current_role
SELECT current_catalog
SELECT current_schema
SELECT system_user
SELECT * FROM notes WHERE body = current_user
CREATE TABLE notes (id INTEGER, owner text DEFAULT session_user)
ALTER TABLE notes ADD COLUMN db text DEFAULT current_catalog
# --- 5. functions no one listed
SELECT repeat('x', 1000000000)
SELECT length(repeat('x', 1000000000))
SELECT space(1000000000)
SELECT string_to_table('a,b', ',')
SELECT array_fill(1, ARRAY[100000000])
SELECT convert_from('x', 'UTF8')
SELECT convert_to('x', 'UTF8')
SELECT xmlparse(document '<x/>')
SELECT query_to_xml_and_xmlschema('SELECT 1', true, true, '')
SELECT brin_summarize_new_values('notes')
SELECT gin_clean_pending_list('notes')
SELECT acldefault('r', 1)
SELECT aclexplode(NULL)
SELECT make_aclitem(1, 1, 'r', false)
SELECT format_type(1, 1)
SELECT shobj_description(1, 'pg_database')
SELECT nullvalue()
SELECT user()
SELECT DATABASE()
SELECT SCHEMA()
SELECT LOCK_MODE()
SELECT MEMORY_USED()
SELECT SESSION_ID()
SELECT TRANSACTION_ID()
SELECT READONLY()
SELECT H2VERSION()
SELECT LINK_SCHEMA('x', '', 'jdbc:h2:mem:x', '', '', 'PUBLIC')
SELECT DISK_SPACE_USED('secret')
SELECT ABORT_SESSION(1)
SELECT CANCEL_SESSION(1)
SELECT SIGNAL('23505', 'x')
SELECT ESTIMATED_ENVELOPE('secret', 'x')
SELECT "count"(*) FROM secret
SELECT public.lower('x')
SELECT pg_catalog.lower('x')
# The right operand of a JSON operator (->, ->>, #>, #>>): JSqlParser keeps it in a Map.Entry, which the
# audit walked past (found by mutating the corpora with hostile fragments and reading what the guard
# accepted, 2026-12-06).
SELECT body->pg_sleep(10) FROM notes
SELECT body->>pg_read_file('/etc/passwd') FROM notes
SELECT 1 #> pg_sleep(1)
SELECT body #>> set_config('search_path', 'x', false) FROM notes
SELECT body -> 'a' -> pg_sleep(1) FROM notes
SELECT '{}'::jsonb -> (SELECT body FROM secret)
SELECT body -> (SELECT body FROM secret) FROM notes
SELECT notes.body ->> (SELECT string_agg(body, ',') FROM "other-plugin_secret") FROM notes
SELECT body -> current_user FROM notes
# Text JSqlParser keeps as strings, not expressions: an index column written as a call (PostgreSQL indexes
# the call's result, evaluated on every row), a type's arguments, the columns of a key (found 2026-12-06 by
# putting a denied call in place of each literal and name of the corpora).
CREATE INDEX notes_big ON notes (repeat(body, 100000000))
CREATE INDEX notes_body ON notes (pg_sleep(1))
CREATE UNIQUE INDEX notes_u ON notes (id, current_setting('role'))
CREATE INDEX notes_body ON notes (body) INCLUDE (pg_sleep(1))
CREATE TABLE notes (id INTEGER, body VARCHAR(pg_sleep(1)))
ALTER TABLE notes ADD COLUMN title VARCHAR(current_setting('role'))
ALTER TABLE notes ALTER COLUMN body TYPE VARCHAR(pg_sleep(1))
SELECT CAST(id AS VARCHAR(pg_sleep(1))) FROM notes
SELECT id::numeric(current_setting('x'), 2) FROM notes
ALTER TABLE note_tags ADD CONSTRAINT tags_note FOREIGN KEY (note_id) REFERENCES notes (pg_sleep(1))
CREATE TABLE note_tags (note_id INTEGER, PRIMARY KEY (pg_sleep(1)))
ALTER TABLE notes ADD CONSTRAINT u UNIQUE (pg_sleep(1))
ALTER TABLE notes ADD PRIMARY KEY (pg_sleep(1))
# --- 7. names squatted in the shared schema
ALTER TABLE notes ADD CONSTRAINT "other-plugin_orders" UNIQUE (id)
ALTER TABLE notes ADD CONSTRAINT "Other" UNIQUE (id)
ALTER TABLE notes ADD CONSTRAINT "a b" CHECK (id > 0)
ALTER TABLE notes ADD CONSTRAINT x__y CHECK (id > 0)
ALTER TABLE notes ADD CONSTRAINT x_ CHECK (id > 0)
ALTER TABLE notes ADD CONSTRAINT "other-plugin_fk" FOREIGN KEY (id) REFERENCES notes (id)
ALTER TABLE notes DROP CONSTRAINT "other-plugin_orders"
ALTER TABLE notes DROP CONSTRAINT "Other"
CREATE TABLE notes (id INTEGER, CONSTRAINT "other-plugin_pk" PRIMARY KEY (id))
CREATE TABLE notes (id INTEGER, CONSTRAINT "Upper" UNIQUE (id))
CREATE TABLE notes (id INTEGER CONSTRAINT "other-plugin_nn" NOT NULL)
CREATE TABLE notes (id INTEGER CONSTRAINT "x y" CHECK (id > 0))
CREATE TABLE notes (id INTEGER CONSTRAINT CHECK (id > 0))
CREATE INDEX "other-plugin_idx" ON notes (id)
CREATE INDEX "Upper" ON notes (id)
CREATE INDEX idx__x ON notes (id)
CREATE INDEX public.idx ON notes (id)
DROP INDEX "other-plugin_idx"
DROP INDEX public.idx
DROP INDEX "Upper"
CREATE UNIQUE INDEX "a b" ON notes (id)
CREATE TABLE notes (id INTEGER PRIMARY KEY USING INDEX TABLESPACE pg_default)
CREATE TABLE notes (id INTEGER, CONSTRAINT pk PRIMARY KEY (id) USING INDEX TABLESPACE pg_default)
CREATE TABLE notes (id INTEGER, UNIQUE (id) USING INDEX TABLESPACE pg_default)
ALTER TABLE notes ADD CONSTRAINT uq UNIQUE (id) USING INDEX TABLESPACE pg_default
CREATE SEQUENCE other_seq
DROP SEQUENCE other_seq
CREATE SEQUENCE secret
CREATE SEQUENCE public.notes
CREATE SEQUENCE notes OWNED BY secret.id
CREATE SEQUENCE notes AS regclass
CREATE SEQUENCE notes AS secret
ALTER SEQUENCE secret RESTART WITH 1
ALTER SEQUENCE notes OWNED BY secret.id
DROP SEQUENCE notes, secret
DROP SEQUENCE IF EXISTS secret CASCADE
CREATE TABLE notes (id INTEGER, CONSTRAINT fk FOREIGN KEY (id) REFERENCES secret (id))
ALTER TABLE notes ADD CONSTRAINT fk FOREIGN KEY (id) REFERENCES secret (id)
ALTER TABLE notes ADD CONSTRAINT uq UNIQUE (id) USING INDEX secret_idx
DROP TABLE notes secret
DROP INDEX note_idx ON secret
DROP INDEX CONCURRENTLY note_idx
CREATE INDEX note_idx ON notes (id) secret
CREATE TABLE notes (id INTEGER DEFAULT NEXT VALUE FOR other_seq)
ALTER TABLE notes ADD COLUMN n INTEGER DEFAULT NEXT VALUE FOR other_seq
CREATE TABLE notes (id INTEGER, o JAVA_OBJECT)
ALTER TABLE notes ADD COLUMN o JAVA_OBJECT
SELECT CAST(X'ACED0005' AS JAVA_OBJECT)
SELECT HASH('SHA-256', 'x', 2)
SELECT lpad('x', 1000000000)
SELECT rpad(body, 100000000, 'y') FROM notes
SELECT LPAD('x', id) FROM notes
SELECT "lpad"('x', 1000000000)
CREATE TABLE notes (id INTEGER, body VARCHAR(10) DEFAULT lpad('x', 1000000000))
