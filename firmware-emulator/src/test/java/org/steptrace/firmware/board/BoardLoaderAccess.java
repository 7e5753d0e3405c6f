package org.steptrace.firmware.board;

import org.steptrace.firmware.McuTap;
import org.steptrace.protocol.DataDictionary;

/** For host tests: the dictionary a built-in board's emulated MCU serves. */
public final class BoardLoaderAccess {
    private BoardLoaderAccess() {}

    public static DataDictionary emulatorDictionary(String board) {
        return new EmulatedBoard(BoardLoader.builtIn(board), 1, McuTap.NONE, b -> {}, (f, t) -> {}).mcu().dictionary();
    }
}
