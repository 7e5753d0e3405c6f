package org.steptrace.extract.verify;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * Counts tokens as the target model's o200k vocabulary does and holds entries to the budget:
 * prompt at most 2,000, completion at most 8,000 (an entry over either is dropped, never cut).
 */
public final class TokenBudget {
    public static final int MAX_PROMPT_TOKENS = 2000;
    public static final int MAX_COMPLETION_TOKENS = 8000;
    public static final String TOKENIZER = "o200k_base";
    private final Encoding encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

    public int count(String text) {
        return encoding.countTokensOrdinary(text);
    }
}
