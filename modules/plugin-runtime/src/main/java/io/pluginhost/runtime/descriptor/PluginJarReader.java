package io.pluginhost.runtime.descriptor;

import io.pluginhost.api.Plugin;
import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.PluginMetadata;
import io.pluginhost.api.exception.InvalidPluginException;
import io.pluginhost.runtime.layer.ApiLayer;
import io.pluginhost.runtime.resource.ResourceKind;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.Index;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a plugin jar's module descriptor and its provider's {@link PluginMetadata} from the class
 * file (with Jandex), without defining or loading any class, so that a jar is accepted or refused
 * before any of its code runs. Stateless and thread-safe.
 */
public final class PluginJarReader {

    private static final DotName METADATA = DotName.createSimple(PluginMetadata.class.getName());
    private static final String PLUGIN_SERVICE = Plugin.class.getName();

    /**
     * @param jar path to the jar
     * @return the validated jar
     * @throws InvalidPluginException if it is not a readable named module providing one
     *                                {@code Plugin} with valid {@code @PluginMetadata}
     * @throws io.pluginhost.api.exception.InvalidNameException if a name in the metadata is invalid
     */
    public PluginJar read(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new InvalidPluginException("plugin jar " + jar + " does not exist or is not a file");
        }
        ModuleFinder finder = ModuleFinder.of(jar);
        ModuleReference reference;
        try {
            Set<ModuleReference> found = finder.findAll();
            if (found.size() != 1) {
                throw new InvalidPluginException(jar + " is not a jar holding one module");
            }
            reference = found.iterator().next();
        } catch (FindException e) {
            throw new InvalidPluginException(jar + " is not a readable module jar: " + rootMessage(e), e);
        }
        ModuleDescriptor module = reference.descriptor();
        if (module.isAutomatic()) {
            throw new InvalidPluginException(jar + " has no module-info.class; a plugin must be a named module that"
                    + " requires " + ApiLayer.API_MODULE + " and provides " + PLUGIN_SERVICE);
        }
        if (module.requires().stream().noneMatch(r -> r.name().equals(ApiLayer.API_MODULE))) {
            throw new InvalidPluginException("module " + module.name() + " in " + jar + " does not require "
                    + ApiLayer.API_MODULE);
        }
        List<String> providers = module.provides().stream()
                .filter(p -> p.service().equals(PLUGIN_SERVICE))
                .flatMap(p -> p.providers().stream())
                .toList();
        if (providers.size() != 1) {
            throw new InvalidPluginException("module " + module.name() + " in " + jar + " must provide " + PLUGIN_SERVICE
                    + " with exactly one class; found " + providers);
        }
        String providerClass = providers.get(0);
        ClassInfo provider = readClass(jar, reference, providerClass);
        PluginDescriptor descriptor = descriptorOf(jar, provider);
        return new PluginJar(jar, finder, module, providerClass, descriptor);
    }

    private static ClassInfo readClass(Path jar, ModuleReference reference, String className) {
        String entry = className.replace('.', '/') + ".class";
        try (ModuleReader reader = reference.open()) {
            Optional<InputStream> in = reader.open(entry);
            if (in.isEmpty()) {
                throw new InvalidPluginException(jar + " declares provider " + className + " but has no " + entry);
            }
            try (InputStream classFile = in.get()) {
                return Index.singleClass(classFile);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidPluginException invalid) {
                throw invalid;
            }
            throw new InvalidPluginException("cannot read " + entry + " from " + jar + ": " + rootMessage(e), e);
        }
    }

    private static PluginDescriptor descriptorOf(Path jar, ClassInfo provider) {
        AnnotationInstance metadata = provider.declaredAnnotation(METADATA);
        if (metadata == null) {
            throw new InvalidPluginException("plugin class " + provider.name() + " in " + jar + " is not annotated with @"
                    + PluginMetadata.class.getName());
        }
        String name = string(metadata, "name");
        String version = string(metadata, "version");
        if (name == null || version == null || version.isBlank()) {
            throw new InvalidPluginException("@PluginMetadata of " + provider.name() + " in " + jar
                    + " must give a name and a non-blank version");
        }
        ResourceKind.validatePluginName(name);
        String description = string(metadata, "description");
        PluginDescriptor descriptor = new PluginDescriptor(name, version, description,
                strings(jar, metadata, "dependencies"),
                strings(jar, metadata, "allowedTables"),
                strings(jar, metadata, "allowedTopics"),
                strings(jar, metadata, "allowedBuckets"));
        descriptor.dependencies().forEach(ResourceKind::validatePluginName);
        return descriptor;
    }

    private static String string(AnnotationInstance annotation, String member) {
        AnnotationValue value = annotation.value(member);
        return value == null ? null : value.asString();
    }

    private static List<String> strings(Path jar, AnnotationInstance annotation, String member) {
        AnnotationValue value = annotation.value(member);
        if (value == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>(List.of(value.asStringArray()));
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                throw new InvalidPluginException("@PluginMetadata in " + jar + " lists '" + n + "' twice in " + member);
            }
        }
        return names;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        StringBuilder text = new StringBuilder(String.valueOf(t.getMessage()));
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            text.append(": ").append(t.getMessage());
        }
        return text.toString();
    }
}
