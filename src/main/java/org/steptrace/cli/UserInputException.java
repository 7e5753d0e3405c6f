package org.steptrace.cli;

/** Bad input named by the user (a file, an option): the CLI prints its message and exits 2. */
public final class UserInputException extends RuntimeException {
    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
