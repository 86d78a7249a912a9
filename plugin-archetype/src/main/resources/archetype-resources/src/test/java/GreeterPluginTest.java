package ${package};

import io.pluginhost.testkit.PluginTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The plugin in the real engine, from this project's compiled classes. */
class GreeterPluginTest {

    @RegisterExtension
    PluginTestKit kit = PluginTestKit.builder()
            .plugin(PluginTestKit.projectJar())
            .config("${pluginName}", Map.of("greeting", "Hi"))
            .build();

    @Test
    void greetsWithItsConfiguredWord() {
        assertEquals("Hi, Ada!", kit.execute("${pluginName}", "Ada"));
        assertEquals(1, kit.events("${pluginName}:ready").size());
        kit.assertNoErrors(); // no listener or scheduled task of the plugin threw
    }

    @Test
    void unloadingLeavesNoClassLoaderBehind() {
        kit.assertUnloadLeavesNoLoader();
    }
}
