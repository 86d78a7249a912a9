package io.pluginhost.example.repository;

import io.pluginhost.api.Plugin;
import io.pluginhost.api.PluginContext;
import io.pluginhost.api.PluginMetadata;
import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.api.resource.KafkaMessage;
import io.pluginhost.api.resource.ObjectStream;
import io.pluginhost.api.resource.S3Repository;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps notes with tags: stores them in its own tables, announces them on its topic (and counts
 * the announcements it hears back) and archives them in its bucket, through whichever repositories
 * the host offers. Uses logical names only;
 * the host maps {@code notes} to {@code example-plugin-repository_notes} and so on.
 */
@PluginMetadata(
        name = "example-plugin-repository",
        version = "1.0.0",
        description = "Notes with tags in its own tables, topic and bucket",
        allowedTables = {"notes", "note_tags"},
        allowedTopics = {"note-events"},
        allowedBuckets = {"archive"})
public final class NotesPlugin implements Plugin {

    private final AtomicLong eventsReceived = new AtomicLong();
    private volatile PluginContext context;

    @Override
    public void initialize(PluginContext context) {
        this.context = context;
        // Listen to its own topic: the host polls on its own threads and stops them on unload.
        context.kafka().ifPresent(kafka -> {
            kafka.createConsumer("note-listener", "notes");
            kafka.subscribe("note-listener", List.of("note-events"), message -> eventsReceived.incrementAndGet());
        });
        context.database().ifPresent(db -> {
            db.executeCommand("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body VARCHAR(2000) NOT NULL)");
            db.executeCommand("CREATE TABLE IF NOT EXISTS note_tags (note_id INTEGER NOT NULL, tag VARCHAR(100) NOT NULL)");
        });
    }

    /**
     * @param input {@code {"id": 1, "body": "text", "tags": ["a", "b"]}}, and {@code "readBack": true} to
     *              read the archived note back from S3, {@code "export": true} to write all notes to
     *              {@code exports/notes.csv} in the bucket
     * @return the note as stored, with its tags joined from the tag table, and which services were used
     */
    @Override
    public Object execute(Object input) {
        Map<?, ?> note = input instanceof Map<?, ?> map ? map : Map.of();
        int id = ((Number) note.get("id")).intValue();
        String body = String.valueOf(note.get("body"));
        List<?> tags = note.get("tags") instanceof List<?> list ? list : List.of();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", id);
        context.database().ifPresent(db -> result.put("rows", store(db, id, body, tags)));
        context.kafka().ifPresent(kafka -> {
            kafka.sendMessage("note-events", List.of(new KafkaMessage(String.valueOf(id), body, Map.of("type", "note"))));
            result.put("published", true);
            result.put("eventsReceived", eventsReceived.get());
        });
        context.s3().ifPresent(s3 -> {
            s3.upload("notes/" + id + ".txt", body.getBytes(StandardCharsets.UTF_8), "text/plain", "archive");
            result.put("archived", "notes/" + id + ".txt");
            if (Boolean.TRUE.equals(note.get("readBack"))) {
                result.put("readBack", readBack(s3, "notes/" + id + ".txt"));
            }
            if (Boolean.TRUE.equals(note.get("export"))) {
                context.database().ifPresent(db -> result.put("exportedBytes", export(db, s3)));
            }
        });
        return result;
    }

    /** Reads an archived note back as a stream, as a plugin reads objects of any size; closed when read. */
    private static String readBack(S3Repository s3, String key) {
        try (ObjectStream stream = s3.openStream(key, "archive").orElseThrow()) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes every note as a CSV line, a line at a time as the upload reads them: the length is not known
     * beforehand, so the host uploads in parts when there are many.
     */
    private static long export(DatabaseRepository db, S3Repository s3) {
        Iterator<Map<String, Object>> notes = db.executeQuery("SELECT id, body FROM notes ORDER BY id").iterator();
        Enumeration<InputStream> lines = new Enumeration<>() {
            @Override
            public boolean hasMoreElements() {
                return notes.hasNext();
            }

            @Override
            public InputStream nextElement() {
                Map<String, Object> row = notes.next();
                String body = String.valueOf(row.get("body")).replace("\"", "\"\"");
                String line = row.get("id") + ",\"" + body + "\"\n";
                return new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8));
            }
        };
        return s3.upload("exports/notes.csv", new SequenceInputStream(lines), "text/csv", "archive");
    }

    private static List<Map<String, Object>> store(DatabaseRepository db, int id, String body, List<?> tags) {
        // A note sent again replaces the stored one, so the README's example can be run twice; in one
        // transaction, so that a tag the database refuses (too long) leaves the stored note as it was.
        return db.inTransaction(tx -> {
            tx.executeCommand("DELETE FROM note_tags WHERE note_id = ?", id);
            tx.executeCommand("DELETE FROM notes WHERE id = ?", id);
            tx.executeCommand("INSERT INTO notes (id, body) VALUES (?, ?)", id, body);
            tx.executeBatch("INSERT INTO note_tags (note_id, tag) VALUES (?, ?)",
                    tags.stream().map(tag -> new Object[] {id, String.valueOf(tag)}).toList());
            return tx.executeQuery("SELECT n.id, n.body, t.tag FROM notes n JOIN note_tags t ON t.note_id = n.id"
                    + " WHERE n.id = ? ORDER BY t.tag", id);
        });
    }
}
