package dev.backstep.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backstep.Secret;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {

    @Test
    void masksEveryOccurrenceAndTheLongerOfOverlappingSecretsAsAWhole() {
        Redactor r = Redactor.of(List.of(Secret.of("abc"), Secret.of("abcdef")));

        assertThat(r.redact("x abcdef y abc z abcabc")).isEqualTo("x **** y **** z ********");
        assertThat(r.redact(List.of("abc", "plain"))).containsExactly("****", "plain");
    }

    @Test
    void emptySecretsHideNothing() {
        Redactor r = Redactor.of(List.of(Secret.of("")));

        assertThat(r.isEmpty()).isTrue();
        assertThat(r.redact("text")).isEqualTo("text");
        assertThat(r.overlap()).isZero();
    }

    @Test
    void tailMasksASecretThatStraddlesTheCut() {
        Redactor r = Redactor.of(List.of(Secret.of("SECRET")));
        byte[] window = "xxSECRETyyyy".getBytes(StandardCharsets.UTF_8);

        // the last 7 bytes are "ETyyyy"... plus one: "RETyyyy" -> the secret part becomes the mask
        assertThat(r.tail(window, 7, false)).isEqualTo("****yyyy");
        assertThat(r.tail(window, 4, false)).isEqualTo("yyyy");
        assertThat(r.tail(window, 100, false)).isEqualTo("xx****yyyy");
    }

    @Test
    void tailBufferKeepsTheLastBytesAndCountsAll() {
        TailBuffer b = new TailBuffer(4);
        b.write("abc".getBytes(StandardCharsets.UTF_8), 0, 3);
        b.write("defgh".getBytes(StandardCharsets.UTF_8), 1, 3);
        b.write('Z');

        assertThat(new String(b.bytes(), StandardCharsets.UTF_8)).isEqualTo("efgZ");
        assertThat(b.total()).isEqualTo(7);
        b.write("0123456789".getBytes(StandardCharsets.UTF_8), 0, 10);
        assertThat(new String(b.bytes(), StandardCharsets.UTF_8)).isEqualTo("6789");
    }
}
