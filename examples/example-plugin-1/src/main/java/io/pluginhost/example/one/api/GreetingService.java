package io.pluginhost.example.one.api;

/** What example-plugin-1 offers the plugins that depend on it. */
public interface GreetingService {

    /**
     * @param name who to greet
     * @return the greeting
     */
    String greet(String name);

    /** @return how many greetings this instance has produced */
    long greetingsServed();
}
