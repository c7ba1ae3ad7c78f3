package jrun.spec;

import java.math.BigDecimal;
import java.math.BigInteger;

/** A JSON number kept as its exact source text, so rewriting never rounds (2^64-1 survives). */
public record JsonNumber(String text) {
    public static JsonNumber of(long v) {
        return new JsonNumber(Long.toString(v));
    }

    public static JsonNumber of(BigInteger v) {
        return new JsonNumber(v.toString());
    }

    public boolean isInteger() {
        return text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
    }

    /** The value as a BigInteger, or null when it has a fraction. Exponent forms that are whole are accepted. */
    public BigInteger bigInteger() {
        try {
            return new BigDecimal(text).toBigIntegerExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
