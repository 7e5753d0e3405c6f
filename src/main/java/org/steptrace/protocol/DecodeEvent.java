package org.steptrace.protocol;

/** What a {@link BlockDecoder} found next in the byte stream. */
public sealed interface DecodeEvent {
    /** Stream offset of the first byte this event covers. */
    long offset();

    /** A block whose length, SEQ nibble, sync byte and CRC all check. */
    record Block(MessageBlock block, long offset) implements DecodeEvent {}

    /** Bytes dropped; {@code reason} says why. */
    record Skipped(long offset, int length, SkipReason reason) implements DecodeEvent {}

    enum SkipReason {
        /** A lone 0x7E where a block should start: a sender's resync marker, not an error. */
        STRAY_SYNC("stray sync byte"),
        BAD_LENGTH("length byte out of range 5..64"),
        BAD_SEQ("sequence byte lacks the 0x10 marker"),
        BAD_SYNC("block does not end in 0x7E"),
        BAD_CRC("CRC mismatch"),
        /** More bytes dropped while still looking for the 0x7E after an error. */
        RESYNC("no sync byte yet after an error");

        private final String description;

        SkipReason(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }

        /** True for the reasons that are errors (all but a stray sync byte). */
        public boolean isError() {
            return this != STRAY_SYNC;
        }
    }
}
