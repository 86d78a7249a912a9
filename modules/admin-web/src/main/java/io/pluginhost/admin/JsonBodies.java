package io.pluginhost.admin;

import jakarta.json.Json;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the admin API's JSON bodies ({@code Map} and {@code Object} parameters) strictly, in place of
 * JSON-B's binding, which reads a JSON array as a map (its entry-list form, so {@code PUT .../config}
 * with {@code []} cleared every setting), and stops at the end of the first value, ignoring whatever
 * follows it. Here a body is one JSON value and nothing after it; a {@code Map} parameter takes an
 * object only; a key given twice is refused, not silently the last one. Values come as JSON-B gave
 * them: objects as maps (in the body's order), arrays as lists, strings, {@code BigDecimal} numbers,
 * booleans and {@code null}. An empty body is {@code null}, which each endpoint answers itself.
 */
@Provider
@Consumes(MediaType.APPLICATION_JSON)
public class JsonBodies implements MessageBodyReader<Object> {

    /** Deeper bodies are refused (the settings and overrides are two levels; an execute's input may be more). */
    static final int MAX_DEPTH = 256;

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == Object.class || type == Map.class;
    }

    @Override
    public Object readFrom(Class<Object> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                           MultivaluedMap<String, String> headers, InputStream body) {
        Object value = read(body);
        if (Map.class.equals(type) && value != null && !(value instanceof Map)) {
            throw refused("give a JSON object, not " + kind(value));
        }
        return value;
    }

    /**
     * @param body the request body
     * @return its one JSON value as maps, lists, strings, numbers, booleans and {@code null}; {@code null}
     *         for an empty body
     * @throws ProcessingException if it is not exactly one JSON value
     * @throws RequestLimits.TooLarge if it is longer than {@link RequestLimits#MAX_JSON_BYTES}
     */
    static Object read(InputStream body) {
        byte[] bytes;
        try {
            // RequestLimits refused a longer body with its length; one sent without (chunked) stops here.
            bytes = body.readNBytes((int) RequestLimits.MAX_JSON_BYTES + 1);
        } catch (IOException e) {
            throw refused("it could not be read: " + e.getMessage());
        }
        if (bytes.length > RequestLimits.MAX_JSON_BYTES) {
            throw new RequestLimits.TooLarge(RequestLimits.MAX_JSON_BYTES);
        }
        if (onlyWhiteSpace(bytes)) {
            return null;
        }
        // JSON between systems is UTF-8 (RFC 8259); bytes that are not are refused, not replaced.
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (JsonParser parser = Json.createParser(new InputStreamReader(new ByteArrayInputStream(bytes), utf8))) {
            Object value = value(parser, parser.next(), 1);
            if (endsAfter(parser)) {
                return value;
            }
            throw refused("it goes on after its JSON value, at offset " + parser.getLocation().getStreamOffset());
        } catch (JsonParsingException e) {
            throw refused(e.getMessage());
        } catch (java.util.NoSuchElementException e) {
            throw refused("it ends inside its JSON value");
        } catch (jakarta.json.JsonException e) { // reading the body failed
            throw refused(e.getCause() instanceof CharacterCodingException ? "it is not UTF-8" : e.getMessage());
        }
    }

    /** @return whether the body holds only JSON's white space: space, tab, line feed, carriage return */
    private static boolean onlyWhiteSpace(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** @return whether nothing but white space follows the value read (the parser reads what follows as a token) */
    private static boolean endsAfter(JsonParser parser) {
        try {
            return !parser.hasNext();
        } catch (JsonParsingException e) {
            return false;
        }
    }

    private static Object value(JsonParser parser, JsonParser.Event event, int depth) {
        return switch (event) {
            case START_OBJECT -> object(parser, depth);
            case START_ARRAY -> array(parser, depth);
            case VALUE_STRING -> parser.getString();
            case VALUE_NUMBER -> parser.getBigDecimal();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw refused("unexpected " + event);
        };
    }

    private static Map<String, Object> object(JsonParser parser, int depth) {
        deepEnough(depth);
        Map<String, Object> object = new LinkedHashMap<>();
        for (JsonParser.Event event = parser.next(); event != JsonParser.Event.END_OBJECT; event = parser.next()) {
            String key = parser.getString(); // the parser gives a KEY_NAME here, or throws
            if (object.containsKey(key)) {
                throw refused("the key '" + key + "' is given twice");
            }
            object.put(key, value(parser, parser.next(), depth + 1));
        }
        return object;
    }

    private static List<Object> array(JsonParser parser, int depth) {
        deepEnough(depth);
        List<Object> array = new ArrayList<>();
        for (JsonParser.Event event = parser.next(); event != JsonParser.Event.END_ARRAY; event = parser.next()) {
            array.add(value(parser, event, depth + 1));
        }
        return array;
    }

    private static void deepEnough(int depth) {
        if (depth > MAX_DEPTH) {
            throw refused("it is nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private static String kind(Object value) {
        return value instanceof List ? "an array" : value instanceof String ? "a string"
                : value instanceof Boolean ? "a boolean" : "a number";
    }

    /** @return the refusal, which {@link MalformedRequests} answers with 400 problem details */
    private static ProcessingException refused(String why) {
        return new ProcessingException(why);
    }
}
