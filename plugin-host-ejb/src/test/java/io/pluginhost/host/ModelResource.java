package io.pluginhost.host;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanInfo;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Stands in for one resource of WildFly's management model, as its JMX facade names it: attributes, read only. */
final class ModelResource implements DynamicMBean {

    private final Map<String, Supplier<Object>> attributes;

    private ModelResource(Map<String, Supplier<Object>> attributes) {
        this.attributes = attributes;
    }

    /**
     * @param attribute the attribute's name in the facade's form ({@code maxPostSize}, {@code suspendState})
     * @param value     its value, read at each get
     * @return the resource
     */
    static DynamicMBean with(String attribute, Supplier<Object> value) {
        return new ModelResource(Map.of(attribute, value));
    }

    /**
     * @param attributes the attributes' names in the facade's form and their values
     * @return the resource
     */
    static DynamicMBean with(Map<String, Object> attributes) {
        Map<String, Supplier<Object>> values = new HashMap<>();
        attributes.forEach((name, value) -> values.put(name, () -> value));
        return new ModelResource(values);
    }

    @Override
    public Object getAttribute(String name) throws AttributeNotFoundException {
        Supplier<Object> value = attributes.get(name);
        if (value == null) {
            throw new AttributeNotFoundException(name);
        }
        return value.get();
    }

    @Override
    public void setAttribute(Attribute attribute) {
        throw new UnsupportedOperationException();
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        throw new UnsupportedOperationException();
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Object invoke(String action, Object[] params, String[] signature) {
        throw new UnsupportedOperationException();
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        return new MBeanInfo(getClass().getName(), "a management resource", null, null, null, null);
    }
}
