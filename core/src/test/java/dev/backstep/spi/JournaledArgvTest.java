package dev.backstep.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backstep.PlanDefinitionException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Command-line words a step journals one a line are refused at definition when they cannot be. */
class JournaledArgvTest {

    @Test
    void aWordThatFitsOnOneJournalLineIsReturnedAsGiven() {
        assertThat(JournaledArgv.word("tool executable", "/usr/local/bin/tool v2")).isEqualTo("/usr/local/bin/tool v2");
    }

    @Test
    void aNullBlankOrMultiLineWordIsADefinitionMistakeNamingItAndTheValue() {
        assertThatThrownBy(() -> JournaledArgv.word("tool executable", null))
                .isInstanceOf(PlanDefinitionException.class)
                .hasMessage("the tool executable is blank or holds a newline, was null");
        assertThatThrownBy(() -> JournaledArgv.word("tool executable", " "))
                .isInstanceOf(PlanDefinitionException.class)
                .hasMessage("the tool executable is blank or holds a newline, was ' '");
        assertThatThrownBy(() -> JournaledArgv.word("tool executable", "a\nb"))
                .isInstanceOf(PlanDefinitionException.class)
                .hasMessage("the tool executable is blank or holds a newline, was 'a\\nb'");
        assertThatThrownBy(() -> JournaledArgv.word("tool executable", "a\0b"))
                .isInstanceOf(PlanDefinitionException.class)
                .hasMessage("the tool executable is blank or holds a newline, was 'a\\0b'");
    }

    @Test
    void aWrapperIsItsWordsInOrderAsAnImmutableList() {
        List<String> w = JournaledArgv.wrapper("sudo", "-n");

        assertThat(w).containsExactly("sudo", "-n");
        assertThatThrownBy(() -> w.add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aWrapperWithoutAProgramOrWithABadWordIsADefinitionMistake() {
        assertThatThrownBy(() -> JournaledArgv.wrapper())
                .isInstanceOf(PlanDefinitionException.class)
                .hasMessage("via() needs the wrapper program, was []");
        assertThatThrownBy(() -> JournaledArgv.wrapper((String[]) null))
                .isInstanceOf(PlanDefinitionException.class)
                .hasMessage("via() needs the wrapper program, was null");
        assertThatThrownBy(() -> JournaledArgv.wrapper("sudo", "-n\n"))
                .isInstanceOf(PlanDefinitionException.class)
                .hasMessage("the wrapper argument is blank or holds a newline, was '-n\\n'");
        assertThatThrownBy(() -> JournaledArgv.wrapper("sudo", null))
                .isInstanceOf(PlanDefinitionException.class)
                .hasMessage("the wrapper argument is blank or holds a newline, was null");
    }
}
