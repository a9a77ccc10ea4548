package dev.mooring.api;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one YAML reader, for every source (REST bodies, compose files, Git manifests): YAML 1.2
 * with the core schema ({@link YamlScalars}), merge keys ({@code <<: *base}) as Compose and
 * kubectl read them, empty documents skipped (a trailing {@code ---}, as {@code helm template}
 * writes), and the same limits for every source.
 *
 * <p>It composes the tree itself from SnakeYAML Engine's events, because the limits have to hold
 * before anything is built: an alias adds the size of what it names to the count, so a "billion
 * laughs" is refused at the alias that passes {@link #MAX_ALIAS_VALUES}, after reading a few
 * hundred bytes and expanding nothing, and nesting is refused at the level that passes
 * {@link Limits#MAX_NESTING_DEPTH} (through aliases too). Each alias is then a copy, so the tree
 * shares nothing. What is wrong inside a document is a 422 naming the field: a key written twice
 * here, an oversized string or list in {@link ValueLimits}.
 */
public final class YamlReader {
    /** The most characters of a YAML stream, and the most characters its aliases may add. */
    public static final int MAX_CHARS = 4 * 1024 * 1024;
    /** The most documents of one stream, empty ones included. */
    public static final int MAX_DOCUMENTS = 1000;
    /** The most alias uses ({@code *name}) in one stream. */
    public static final int MAX_ALIASES = 1000;
    /** The most values (scalars, lists, maps) the aliases of one stream may add, each use counted. */
    public static final int MAX_ALIAS_VALUES = 100_000;

    private static final LoadSettings SETTINGS = LoadSettings.builder().setCodePointLimit(MAX_CHARS).build();
    private static final Set<String> COLLECTION_TAGS = Set.of("!", YamlScalars.PREFIX + "map", YamlScalars.PREFIX + "seq");

    /** Compose's merge tags ({@code !reset}, {@code !override}), which only compose files take. */
    public static final Set<String> MERGE_TAGS = Set.of("!reset", "!override");

    /**
     * A value a compose file tagged {@code !reset} (drop what a merge would take from the base)
     * or {@code !override} (replace it instead of merging), kept for the merge to apply.
     */
    public record MergeTag(String tag, Object value) {
        public boolean reset() {
            return tag.equals("!reset");
        }
    }

    /** A finished value with what it weighs: values and characters it holds, and how deep it nests. */
    private record Sized(Object value, long values, long chars, int height) {
    }

    /** A list or map being read. */
    private static final class Open {
        final Object value;
        final String anchor;
        /** A merge tag on this collection, or null. */
        String tag;
        final List<Map<?, ?>> merged = new ArrayList<>();
        long values = 1;
        long chars;
        int height = 1;
        /** In a map: the key whose value comes next (null while a key is expected). */
        String key;
        boolean merge;

        Open(Object value, String anchor) {
            this.value = value;
            this.anchor = anchor;
        }
    }

    private final List<Object> documents = new ArrayList<>();
    private final Map<String, Sized> anchors = new HashMap<>();
    private final Deque<Open> open = new ArrayDeque<>();
    private int documentCount;
    private int aliases;
    private long aliasValues;
    private long aliasChars;
    private Object root;
    private final boolean mergeTags;

    private YamlReader(boolean mergeTags) {
        this.mergeTags = mergeTags;
    }

    /**
     * The non-empty documents of a YAML stream, each a tree of {@code Map<String, Object>}
     * (keys as written, in order), {@code List<Object>}, String, Boolean, Integer, Long,
     * BigInteger, Double and null.
     *
     * @throws ApiException a 400 naming the limit or the syntax error, with line and column
     */
    public static List<Object> read(String text) {
        return read(text, false);
    }

    /**
     * The same for a compose file, which may also hold Compose's merge tags {@code !reset} and
     * {@code !override}: each tagged value comes as a {@link MergeTag}, for the merge of
     * {@code extends}, {@code include} and override files to apply.
     */
    public static List<Object> readCompose(String text) {
        return read(text, true);
    }

    private static List<Object> read(String text, boolean mergeTags) {
        if (text.length() > MAX_CHARS) {
            throw ApiException.badRequest("the YAML has " + text.length() + " characters; at most " + MAX_CHARS + " are accepted");
        }
        YamlReader reader = new YamlReader(mergeTags);
        try {
            for (Event e : new Parse(SETTINGS).parseString(text)) {
                reader.on(e);
            }
        } catch (MarkedYamlEngineException e) {
            throw ApiException.badRequest("malformed YAML: " + withoutInput(e.getProblem()) + at(e.getProblemMark()));
        } catch (YamlEngineException e) {
            throw ApiException.badRequest("malformed YAML: " + withoutInput(e.getMessage()));
        }
        return reader.documents;
    }

    private void on(Event e) {
        switch (e.getEventId()) {
            case DocumentStart -> {
                if (++documentCount > MAX_DOCUMENTS) {
                    throw refused("the YAML holds more than " + MAX_DOCUMENTS + " documents", e);
                }
                anchors.clear();
                root = null;
            }
            case DocumentEnd -> {
                if (root != null) {
                    documents.add(root);
                }
            }
            case MappingStart, SequenceStart -> start((CollectionStartEvent) e);
            case MappingEnd, SequenceEnd -> end(e);
            case Scalar -> scalar((ScalarEvent) e);
            case Alias -> alias((AliasEvent) e);
            default -> {
            }
        }
    }

    private void start(CollectionStartEvent e) {
        String mergeTag = e.getTag().filter(this::mergeTag).orElse(null);
        e.getTag().filter(t -> !COLLECTION_TAGS.contains(t) && !mergeTag(t)).ifPresent(t -> {
            throw refused(unsupportedTag(t), e);
        });
        if (expectsKey()) {
            throw refused("a mapping key must be a plain value, not a list or map", e);
        }
        if (open.size() >= Limits.MAX_NESTING_DEPTH) {
            throw refused("the document is nested too deeply: more than " + Limits.MAX_NESTING_DEPTH + " levels", e);
        }
        Object value = e.getEventId() == Event.ID.MappingStart ? new LinkedHashMap<String, Object>() : new ArrayList<>();
        Open o = new Open(value, anchor(e));
        o.tag = mergeTag;
        open.push(o);
    }

    private boolean mergeTag(String tag) {
        return mergeTags && MERGE_TAGS.contains(tag);
    }

    private String unsupportedTag(String tag) {
        String t = YamlScalars.shortTag(tag);
        return "the YAML tag " + t + " is not supported" + (MERGE_TAGS.contains(t) ? " here; only compose files take Compose's merge tags !reset and !override" : "");
    }

    private void end(Event e) {
        Open done = open.pop();
        Object value = done.value;
        if (!done.merged.isEmpty()) {
            Map<String, Object> merged = new LinkedHashMap<>();
            done.merged.forEach(m -> m.forEach((k, v) -> merged.putIfAbsent((String) k, v)));
            merged.putAll(asMap(value));
            value = merged;
        }
        if (done.tag != null) {
            value = new MergeTag(done.tag, value);
        }
        add(new Sized(value, done.values, done.chars, done.height), done.anchor, e);
    }

    private void scalar(ScalarEvent e) {
        if (expectsKey()) {
            String anchor = anchor(e);
            if (anchor != null) {
                anchors.put(anchor, new Sized(e.getValue(), 1, e.getValue().length(), 0));
            }
            key(e.getValue(), e.isPlain() && e.getTag().isEmpty() && e.getValue().equals("<<"), e);
            return;
        }
        Object value;
        Optional<String> tag = e.getTag();
        if (tag.isPresent() && mergeTag(tag.get())) {
            String text = e.getValue();
            Object inner = text.isEmpty() && e.isPlain() ? null : e.isPlain() ? YamlScalars.plain(text) : text;
            add(new Sized(new MergeTag(tag.get(), inner), 1, text.length(), 0), anchor(e), e);
            return;
        }
        if (tag.isPresent() && !YamlScalars.TAGS.contains(tag.get())) {
            throw refused(unsupportedTag(tag.get()), e);
        }
        try {
            value = tag.isPresent() ? YamlScalars.tagged(tag.get(), e.getValue()) : e.isPlain() ? YamlScalars.plain(e.getValue()) : e.getValue();
        } catch (IllegalArgumentException bad) {
            throw refused(bad.getMessage(), e);
        }
        add(new Sized(value, 1, e.getValue().length(), 0), anchor(e), e);
    }

    private void alias(AliasEvent e) {
        String name = e.getAlias().getValue();
        if (++aliases > MAX_ALIASES) {
            throw refused("the YAML uses more than " + MAX_ALIASES + " YAML aliases (*name); write the values out or use fewer aliases", e);
        }
        Sized target = anchors.get(name);
        if (target == null) {
            boolean recursive = open.stream().anyMatch(o -> name.equals(o.anchor));
            throw refused(recursive ? "the YAML refers to itself: *" + name + " is used inside its own anchor"
                    : "*" + name + " names no anchor (&" + name + ") before it", e);
        }
        if (expectsKey()) {
            if (target.value instanceof Map || target.value instanceof List) {
                throw refused("a mapping key must be a plain value, not a list or map", e);
            }
            key(String.valueOf(target.value), false, e);
            return;
        }
        aliasValues += target.values;
        aliasChars += target.chars;
        if (aliasValues > MAX_ALIAS_VALUES || aliasChars > MAX_CHARS) {
            throw refused("the document expands to more than " + (aliasValues > MAX_ALIAS_VALUES ? MAX_ALIAS_VALUES + " values"
                    : MAX_CHARS + " characters") + " through YAML aliases; write the values out or use fewer aliases", e);
        }
        if (open.size() + target.height > Limits.MAX_NESTING_DEPTH) {
            throw refused("the document is nested too deeply: more than " + Limits.MAX_NESTING_DEPTH + " levels through *" + name, e);
        }
        add(new Sized(copy(target.value), target.values, target.chars, target.height), null, e);
    }

    private void key(String key, boolean merge, NodeEvent e) {
        Open map = open.peek();
        if (!merge && asMap(map.value).containsKey(key)) {
            // a 422 naming the field, as for an unknown one: one of the two settings would be silently lost
            throw ApiException.invalid(List.of(new ApiException.FieldError(path(shortened(key)), "appears twice in one mapping" + at(e.getStartMark()))));
        }
        map.key = key;
        map.merge = merge;
        map.chars += key.length();
    }

    /** A finished value into the list or map being read, or as the document. */
    private void add(Sized done, String anchor, Event e) {
        if (anchor != null) {
            anchors.put(anchor, done);
        }
        Open parent = open.peek();
        if (parent == null) {
            root = done.value;
            return;
        }
        parent.values += done.values;
        parent.chars += done.chars;
        parent.height = Math.max(parent.height, done.height + 1);
        if (parent.value instanceof List<?>) {
            asList(parent.value).add(done.value);
        } else if (parent.merge) {
            merge(parent, done.value, e);
        } else {
            asMap(parent.value).put(parent.key, done.value);
            parent.key = null;
        }
    }

    /** {@code <<: *base} or {@code <<: [*a, *b]}: the mappings whose keys this one takes where it has none (the first wins). */
    private void merge(Open map, Object value, Event e) {
        List<?> sources = value instanceof List<?> l ? l : java.util.Collections.singletonList(value);
        for (Object source : sources) {
            if (!(source instanceof Map<?, ?> m)) {
                throw refused("a merge key (<<) takes a mapping or a list of mappings" + (source instanceof MergeTag ? ", not a tagged one" : ""), e);
            }
            map.merged.add(m);
        }
        map.key = null;
        map.merge = false;
    }

    /** Where {@code key} of the map being read is: {@code spec.env[2].name}. */
    private String path(String key) {
        StringBuilder path = new StringBuilder();
        for (Iterator<Open> outer = open.descendingIterator(); outer.hasNext(); ) {
            Open o = outer.next();
            if (o.value instanceof List<?> l) {
                path.append('[').append(l.size()).append(']');
            } else {
                path.append(path.isEmpty() ? "" : ".").append(outer.hasNext() ? o.key : key);
            }
        }
        return path.toString();
    }

    private boolean expectsKey() {
        Open top = open.peek();
        return top != null && top.value instanceof Map<?, ?> && top.key == null && !top.merge;
    }

    private static Object copy(Object value) {
        if (value instanceof MergeTag t) {
            return new MergeTag(t.tag(), copy(t.value()));
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put((String) k, copy(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(v -> out.add(copy(v)));
            return out;
        }
        return value;
    }

    private static String anchor(NodeEvent e) {
        return e.getAnchor().map(Anchor::getValue).orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object value) {
        return (List<Object>) value;
    }

    private static ApiException refused(String why, Event e) {
        return ApiException.badRequest(why + at(e.getStartMark()));
    }

    private static String at(Optional<Mark> mark) {
        return mark.map(m -> " (line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ")").orElse("");
    }

    private static String shortened(String key) {
        return key.length() > 253 ? key.substring(0, 250) + "..." : key;
    }

    /**
     * A parser's message without the input it quotes: YAML shows the offending line (indented),
     * JSON quotes the token; in a Secret either could be a value (issue 4). Location is kept.
     */
    static String withoutInput(String message) {
        if (message == null) {
            return "";
        }
        return String.join("; ", java.util.Arrays.stream(message.split("\n")).filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                .map(l -> QUOTED.matcher(l).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                        KEYWORDS.contains(m.group(2)) ? m.group() : m.group(1) + "…" + m.group(1)))).toList());
    }

    private static final java.util.regex.Pattern QUOTED = java.util.regex.Pattern.compile("(['\"])([^'\"\\s][^'\"]*?[^'\"\\s])\\1");
    private static final Set<String> KEYWORDS = Set.of("null", "true", "false");
}
