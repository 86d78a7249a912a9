package io.pluginhost.host;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanInfo;
import java.util.function.Supplier;

/** Stands in for one resource of WildFly's management model, as its JMX facade names it: one attribute, read only. */
final class ModelResource implements DynamicMBean {

    private final String attribute;
    private final Supplier<Object> value;

    private ModelResource(String attribute, Supplier<Object> value) {
        this.attribute = attribute;
        this.value = value;
    }

    /**
     * @param attribute the attribute's name in the facade's form ({@code maxPostSize}, {@code suspendState})
     * @param value     its value, read at each get
     * @return the resource
     */
    static DynamicMBean with(String attribute, Supplier<Object> value) {
        return new ModelResource(attribute, value);
    }

    @Override
    public Object getAttribute(String name) throws AttributeNotFoundException {
        if (!name.equals(attribute)) {
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
