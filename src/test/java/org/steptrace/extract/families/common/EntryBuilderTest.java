package org.steptrace.extract.families.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.steptrace.extract.verify.NumberTokens;

class EntryBuilderTest {
    @Test
    void wholeLookingSignificantFiguresBecomeF64LiteralsTheNumberCheckStillReads() {
        String text = EntryBuilder.significant(123.4, 3);
        assertEquals("123", text);
        String literal = EntryBuilder.rustF64(text);
        assertEquals("123_f64", literal);
        assertEquals(List.of("123"), NumberTokens.in("x - " + literal).stream().map(NumberTokens.Token::text).toList());
        assertEquals("1.25", EntryBuilder.rustF64("1.25"));
        assertEquals("1.2e-7", EntryBuilder.rustF64(EntryBuilder.significant(1.2e-7, 2)));
        assertEquals("-40_f64", EntryBuilder.rustF64("-40"));
    }
}
