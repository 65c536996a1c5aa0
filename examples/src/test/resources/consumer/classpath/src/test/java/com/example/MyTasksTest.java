package com.example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MyTasksTest {
    @Test
    void usesTheRegistryAndTheSampler() {
        String d = MyTasks.describe();
        System.out.println("CONSUMER: " + d);
        assertTrue(d.contains("7 combinations"), d);
        assertTrue(d.contains("first batch of 8"), d);
    }
}
