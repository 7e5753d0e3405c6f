package org.steptrace.host.mcu;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The config CRC a host sends with finalize_config: CRC-32 over the host's own config command
 * text (allocate_oids first, lines joined by newlines), pins spelled as the printer config
 * spells them. An MCU that reports the same CRC on reconnect is already configured.
 */
public final class ConfigCrc {
    private ConfigCrc() {}

    public static long of(List<String> configLines) {
        CRC32 crc = new CRC32();
        crc.update(String.join("\n", configLines).getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
