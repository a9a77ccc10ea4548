package dev.mooring.api;

import java.math.BigInteger;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a YAML scalar means: YAML 1.2's core schema, as Compose reads a compose file. Only
 * {@code true}/{@code false}, {@code null}/{@code ~}/empty, integers and floats are typed; every
 * other plain scalar is the string it is written as ({@code 22:22}, {@code no}, {@code yes},
 * {@code 2024-01-02}), where YAML 1.1 made them a sexagesimal number, booleans and a date.
 * One compatibility kept, as Compose and kubectl keep it: an integer written with a leading zero
 * ({@code 0440}) is octal, the way file modes are written ({@code 0o440} is YAML 1.2's own form).
 */
final class YamlScalars {
    static final String PREFIX = "tag:yaml.org,2002:";
    /** The tags a scalar may carry; any other ({@code !!binary}, {@code !!timestamp}, a local {@code !reset}) is refused. */
    static final Set<String> TAGS = Set.of("!", PREFIX + "str", PREFIX + "null", PREFIX + "bool", PREFIX + "int", PREFIX + "float");
    private static final Set<String> NULLS = Set.of("", "~", "null", "Null", "NULL");
    private static final Set<String> TRUE = Set.of("true", "True", "TRUE");
    private static final Set<String> FALSE = Set.of("false", "False", "FALSE");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern OCTAL_1_1 = Pattern.compile("0[0-7]+");
    private static final Pattern OCTAL = Pattern.compile("0o[0-7]+");
    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]+");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    private static final Pattern INFINITY = Pattern.compile("[-+]?\\.(inf|Inf|INF)");
    private static final Pattern NAN = Pattern.compile("\\.(nan|NaN|NAN)");

    private YamlScalars() {
    }

    /** An untagged plain scalar: null, a boolean, an Integer/Long/BigInteger, a Double, or the text itself. */
    static Object plain(String text) {
        if (NULLS.contains(text)) {
            return null;
        }
        Object typed = bool(text);
        if (typed == null) {
            typed = integer(text);
        }
        if (typed == null) {
            typed = number(text);
        }
        return typed == null ? text : typed;
    }

    /**
     * A scalar with one of the {@link #TAGS} ({@code !!str 22:22}, {@code !!int "3"}, the
     * non-specific {@code !} of a string).
     *
     * @throws IllegalArgumentException when the text is not what its tag says
     */
    static Object tagged(String tag, String text) {
        return switch (tag) {
            case PREFIX + "null" -> {
                if (!NULLS.contains(text)) {
                    throw notA(tag, "null");
                }
                yield null;
            }
            case PREFIX + "bool" -> required(bool(text), tag, "true or false");
            case PREFIX + "int" -> required(integer(text), tag, "an integer");
            case PREFIX + "float" -> required(number(text) != null ? number(text) : integer(text), tag, "a number").doubleValue();
            default -> text;
        };
    }

    private static <T> T required(T value, String tag, String what) {
        if (value == null) {
            throw notA(tag, what);
        }
        return value;
    }

    private static IllegalArgumentException notA(String tag, String what) {
        return new IllegalArgumentException("a value tagged " + shortTag(tag) + " is not " + what);
    }

    /** {@code !!int} for {@code tag:yaml.org,2002:int}, a local tag as it is. */
    static String shortTag(String tag) {
        return tag.startsWith(PREFIX) ? "!!" + tag.substring(PREFIX.length()) : tag;
    }

    private static Boolean bool(String text) {
        return TRUE.contains(text) ? Boolean.TRUE : FALSE.contains(text) ? Boolean.FALSE : null;
    }

    private static Number integer(String text) {
        BigInteger value;
        if (OCTAL_1_1.matcher(text).matches()) {
            value = new BigInteger(text.substring(1), 8);
        } else if (DECIMAL.matcher(text).matches()) {
            value = new BigInteger(text.startsWith("+") ? text.substring(1) : text);
        } else if (OCTAL.matcher(text).matches()) {
            value = new BigInteger(text.substring(2), 8);
        } else if (HEX.matcher(text).matches()) {
            value = new BigInteger(text.substring(2), 16);
        } else {
            return null;
        }
        if (value.bitLength() < 32) {
            return value.intValue();
        }
        return value.bitLength() < 64 ? (Number) value.longValue() : value;
    }

    private static Double number(String text) {
        if (FLOAT.matcher(text).matches() && !DECIMAL.matcher(text).matches()) {
            return Double.valueOf(text);
        }
        if (INFINITY.matcher(text).matches()) {
            return text.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return NAN.matcher(text).matches() ? Double.NaN : null;
    }
}
