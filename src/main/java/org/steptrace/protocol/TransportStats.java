package org.steptrace.protocol;

/** The host transport's counters, named as a host's periodic stats line names them. */
public record TransportStats(
        long bytesWrite,
        long bytesRead,
        long bytesRetransmit,
        long bytesInvalid,
        long sendSeq,
        long receiveSeq,
        long retransmitSeq,
        double srttS,
        double rttvarS,
        double rtoS,
        int readyBytes,
        int pendingBlocks) {}
