package org.nifispectro.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** What a NAR's META-INF/docs/extension-manifest.xml says of its processors. */
final class ExtensionManifest {

    /** A property; {@code dependsOn} maps a property name to the values that make this one apply (empty set: any value). */
    record Property(String name, boolean required, String defaultValue, Set<String> allowableValues,
                    Map<String, Set<String>> dependsOn) {
    }

    record Processor(String type, Map<String, Property> properties, Set<String> relationships,
                     boolean dynamicProperties, boolean dynamicRelationships) {
    }

    private final Map<String, Processor> processors;

    private ExtensionManifest(Map<String, Processor> processors) {
        this.processors = processors;
    }

    Processor processor(String type) {
        return processors.get(type);
    }

    Set<String> types() {
        return processors.keySet();
    }

    static ExtensionManifest read(Path nar) throws IOException {
        try (ZipFile zip = new ZipFile(nar.toFile())) {
            ZipEntry entry = zip.getEntry("META-INF/docs/extension-manifest.xml");
            if (entry == null) {
                throw new IOException(nar + " has no extension manifest");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
                Map<String, Processor> map = new HashMap<>();
                for (Element ext : children(doc.getDocumentElement(), "extensions", "extension")) {
                    if (!"PROCESSOR".equals(text(ext, "type"))) {
                        continue;
                    }
                    Map<String, Property> props = new LinkedHashMap<>();
                    for (Element p : children(ext, "properties", "property")) {
                        Set<String> allowed = new LinkedHashSet<>();
                        for (Element a : children(p, "allowableValues", "allowableValue")) {
                            allowed.add(text(a, "value"));
                        }
                        Map<String, Set<String>> dependsOn = new LinkedHashMap<>();
                        for (Element d : children(p, "dependencies", "dependency")) {
                            Set<String> values = new LinkedHashSet<>();
                            for (Element v : children(d, "dependentValues", "dependentValue")) {
                                values.add(v.getTextContent());
                            }
                            dependsOn.put(text(d, "propertyName"), values);
                        }
                        props.put(text(p, "name"), new Property(text(p, "name"), "true".equals(text(p, "required")),
                                text(p, "defaultValue"), allowed, dependsOn));
                    }
                    Set<String> rels = new LinkedHashSet<>();
                    for (Element r : children(ext, "relationships", "relationship")) {
                        rels.add(text(r, "name"));
                    }
                    boolean dynProps = !children(ext, "dynamicProperties", "dynamicProperty").isEmpty();
                    boolean dynRels = child(ext, "dynamicRelationship") != null;
                    map.put(text(ext, "name"), new Processor(text(ext, "name"), props, rels, dynProps, dynRels));
                }
                return new ExtensionManifest(map);
            }
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot read the extension manifest of " + nar + ": " + e.getMessage(), e);
        }
    }

    private static java.util.List<Element> children(Element parent, String container, String name) {
        java.util.List<Element> list = new java.util.ArrayList<>();
        Element c = child(parent, container);
        if (c != null) {
            NodeList nodes = c.getChildNodes();
            for (int i = 0; i < nodes.getLength(); i++) {
                if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
                    list.add(e);
                }
            }
        }
        return list;
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent();
    }
}
