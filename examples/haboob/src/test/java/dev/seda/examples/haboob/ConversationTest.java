package dev.seda.examples.haboob;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConversationTest {

    static HttpResponse response(int status) {
        return HttpResponse.badRequest(status);
    }

    @Test
    void responsesLeaveInRequestOrderWhateverOrderTheyArriveIn() {
        Conversation c = new Conversation(null, 0);
        HttpResponse first = response(200);
        HttpResponse second = response(404);
        HttpResponse third = response(405);
        assertEquals(List.of(), c.ready(2, third), "waits for 0 and 1");
        assertEquals(List.of(), c.ready(1, second), "still waits for 0");
        assertEquals(List.of(first, second, third), c.ready(0, first));
        HttpResponse fourth = response(200);
        assertEquals(List.of(fourth), c.ready(3, fourth), "in order: at once");
    }
}
