package io.pluginhost.devservices;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

import javax.sql.DataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One real PostgreSQL server per JVM, from the binaries zonky ships through Maven, for tests and
 * development (never production): {@link #dataSource()} starts it on first use.
 *
 * <p>PostgreSQL refuses to run as root, and CI machines here run builds as root. When that is the
 * case the server's archive is repackaged so that {@code initdb}, {@code postgres} and
 * {@code pg_ctl} are small wrappers that hand the data directory to {@code nobody} and drop to it
 * with {@code setpriv} before running the real binary. Run as an ordinary user, nothing changes.
 *
 * <p>The superuser {@code postgres} logs in without a password, as zonky sets it up; every other role
 * needs its password ({@code scram-sha-256}), as on a production server, so a plugin role's password
 * is checked on every log-in (zonky's own set-up trusts everyone).
 */
public final class PostgresDevServer {

    private static EmbeddedPostgres server;

    private PostgresDevServer() {
    }

    /** @return the JDBC URL of the shared server's {@code postgres} database, starting it on first use */
    public static synchronized String jdbcUrl() {
        dataSource();
        return server.getJdbcUrl("postgres", "postgres");
    }

    /** @return the superuser data source of the shared server, starting it on first use */
    public static synchronized DataSource dataSource() {
        if (server == null) {
            try {
                EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
                if (runningAsRoot()) {
                    builder.setPgBinaryResolver(new NonRootBinaries());
                }
                server = builder.start();
                requirePasswordsOfOtherRoles(server);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL server", e);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot set up the embedded PostgreSQL server's log-ins", e);
            }
        }
        return server.getPostgresDatabase();
    }

    private static final String HBA = """
            local all postgres trust
            host all postgres 127.0.0.1/32 trust
            host all postgres ::1/128 trust
            local all all scram-sha-256
            host all all 127.0.0.1/32 scram-sha-256
            host all all ::1/128 scram-sha-256
            """;

    /** Rewrites {@code pg_hba.conf}, reloads it, and waits until a wrong password is refused. */
    private static void requirePasswordsOfOtherRoles(EmbeddedPostgres server) throws SQLException, IOException {
        String probe = "pluginhost_dev_probe";
        try (Connection connection = server.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            String dataDirectory;
            try (ResultSet rows = statement.executeQuery("SHOW data_directory")) {
                rows.next();
                dataDirectory = rows.getString(1);
            }
            // Written in place: the file keeps the owner the server runs as.
            Files.writeString(Path.of(dataDirectory, "pg_hba.conf"), HBA, StandardCharsets.UTF_8);
            statement.execute("CREATE ROLE " + probe + " LOGIN PASSWORD 'right'");
            statement.execute("SELECT pg_reload_conf()");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            while (true) {
                try (Connection trusted = DriverManager.getConnection(server.getJdbcUrl(probe, "postgres"), probe,
                        "wrong")) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("PostgreSQL still trusts every log-in after 30 s");
                    }
                } catch (SQLException refused) {
                    if ("28P01".equals(refused.getSQLState())) {
                        return; // the new rules hold
                    }
                    throw refused;
                }
                Thread.onSpinWait();
            }
        } finally {
            try (Connection connection = server.getPostgresDatabase().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("DROP ROLE " + probe);
            }
        }
    }

    private static boolean runningAsRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** zonky's archive with initdb, postgres and pg_ctl wrapped to drop root privileges. */
    private static final class NonRootBinaries implements PgBinaryResolver {
        private static final Pattern WRAPPED = Pattern.compile("(^|.*/)bin/(initdb|postgres|pg_ctl)$");
        private static final String WRAPPER = """
                #!/bin/sh
                # PostgreSQL refuses to run as root: run the real binary as 'nobody' instead.
                real="$0.real"
                if [ "$(id -u)" = "0" ]; then
                  previous=""
                  for argument in "$@"; do
                    if [ "$previous" = "-D" ]; then chown -R 65534:65534 "$argument"; fi
                    previous="$argument"
                  done
                  exec setpriv --reuid=65534 --regid=65534 --clear-groups -- "$real" "$@"
                fi
                exec "$real" "$@"
                """;
        private byte[] archive;

        @Override
        public synchronized InputStream getPgBinary(String system, String machineHardware) throws IOException {
            if (archive == null) {
                try (InputStream original = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system,
                        machineHardware)) {
                    archive = rewrap(original.readAllBytes());
                }
            }
            return new ByteArrayInputStream(archive);
        }

        private static byte[] rewrap(byte[] original) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream(original.length);
            try (TarArchiveInputStream in = new TarArchiveInputStream(new XZInputStream(
                    new ByteArrayInputStream(original)));
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(new XZOutputStream(out, new LZMA2Options(0)))) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                    if (entry.isFile() && WRAPPED.matcher(entry.getName()).matches()) {
                        TarArchiveEntry real = new TarArchiveEntry(entry.getName() + ".real");
                        real.setMode(entry.getMode());
                        real.setSize(entry.getSize());
                        tar.putArchiveEntry(real);
                        in.transferTo(tar);
                        tar.closeArchiveEntry();
                        byte[] script = WRAPPER.getBytes(StandardCharsets.UTF_8);
                        TarArchiveEntry wrapper = new TarArchiveEntry(entry.getName());
                        wrapper.setMode(0755);
                        wrapper.setSize(script.length);
                        tar.putArchiveEntry(wrapper);
                        tar.write(script);
                        tar.closeArchiveEntry();
                    } else {
                        tar.putArchiveEntry(entry);
                        if (entry.isFile()) {
                            in.transferTo(tar);
                        }
                        tar.closeArchiveEntry();
                    }
                }
            }
            return out.toByteArray();
        }
    }
}
