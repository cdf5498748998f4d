package dev.seda.examples.haboob;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** Maps a request path onto a file under the root, refusing anything that could leave it. */
final class SafePaths {

    /** The request path cannot name a file under the root. */
    static final class Refused extends Exception {
        final int status;

        Refused(int status) {
            super(null, null, false, false);
            this.status = status;
        }
    }

    private SafePaths() {}

    static Path resolve(Path root, String rawPath) throws Refused {
        if (!rawPath.startsWith("/")) {
            throw new Refused(400);
        }
        String path = percentDecode(rawPath);
        Path file = root;
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..") || segment.indexOf('\0') >= 0 || segment.indexOf('\\') >= 0) {
                throw new Refused(404); // never say more about what lies outside the root
            }
            file = file.resolve(segment);
        }
        if (!file.normalize().startsWith(root)) {
            throw new Refused(404);
        }
        return file;
    }

    private static String percentDecode(String raw) throws Refused {
        ByteBuffer bytes = ByteBuffer.allocate(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new Refused(400);
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new Refused(400);
                }
                bytes.put((byte) (hi * 16 + lo));
                i += 2;
            } else if (c > 127) {
                throw new Refused(400);
            } else {
                bytes.put((byte) c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(bytes.flip())
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Refused(400);
        }
    }
}
