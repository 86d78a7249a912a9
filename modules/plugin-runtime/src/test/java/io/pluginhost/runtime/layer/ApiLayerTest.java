package io.pluginhost.runtime.layer;

import io.pluginhost.api.Plugin;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiLayerTest {

    @Test
    void shimExportsExactlyThePackagesOfThePluginApiModule() {
        ModuleReference api = ModuleFinder.of(PluginJarBuilder.apiLocation()).findAll().iterator().next();
        ModuleDescriptor descriptor = api.descriptor();

        assertThat(descriptor.name()).isEqualTo(ApiLayer.API_MODULE);
        assertThat(descriptor.exports()).extracting(ModuleDescriptor.Exports::source)
                .containsExactlyInAnyOrderElementsOf(ApiLayer.API_PACKAGES);
    }

    @Test
    void shimLoaderHandsOutTheHostsApiClassesAndNothingOfTheHost() throws Exception {
        ApiLayer layer = ApiLayer.create();

        assertThat(layer.shimLoader().loadClass(Plugin.class.getName())).isSameAs(Plugin.class);
        assertThat(layer.shimLoader().loadClass("java.sql.Connection")).isNotNull();
        assertThatThrownBy(() -> layer.shimLoader().loadClass(ApiLayer.class.getName()))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> layer.shimLoader().loadClass("org.assertj.core.api.Assertions"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void layerHoldsTheApiModule() {
        ApiLayer layer = ApiLayer.create();

        assertThat(layer.layer().findModule(ApiLayer.API_MODULE)).isPresent();
        assertThat(layer.hostApiModule()).isSameAs(Plugin.class.getModule());
    }
}
