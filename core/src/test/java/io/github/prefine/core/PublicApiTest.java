package io.github.prefine.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.tokenize.SubwordTokenizer;
import io.github.prefine.eval.plot.Charts;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API of core and eval (what a consumer project compiles against: public and protected
 * members of public classes outside {@code internal} packages) names no type of prefine's {@code
 * internal} packages, which may change in any release; what another prefine package alone needs
 * goes through the internal package itself.
 */
class PublicApiTest {
    private static final String PREFIX = "io.github.prefine.";

    @Test
    void publicApiNamesNoInternalType() throws Exception {
        List<String> checked = new ArrayList<>();
        List<String> leaks = new ArrayList<>();
        for (Class<?> anchor : List.of(SubwordTokenizer.class, Charts.class)) {
            for (Class<?> c : classesBeside(anchor)) {
                if (isApi(c)) {
                    check(c, checked, leaks);
                }
            }
        }
        // the scan reaches nested builders' setters, as the one this test was written for
        assertTrue(checked.contains(SubwordTokenizer.Builder.class.getName() + ".setTokenizerPath"), checked::toString);
        assertEquals(List.of(), leaks, "public API naming an internal type");
    }

    private static boolean isApi(Class<?> c) {
        if (c.getPackageName().contains(".internal") || c.isSynthetic() || c.isAnonymousClass() || c.isLocalClass()) {
            return false;
        }
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static void check(Class<?> c, List<String> checked, List<String> leaks) {
        List<Type> supers = new ArrayList<>(Arrays.asList(c.getGenericInterfaces()));
        if (c.getGenericSuperclass() != null) {
            supers.add(c.getGenericSuperclass());
        }
        note(c.getName() + " (its supertypes)", supers, leaks);
        for (Field f : c.getDeclaredFields()) {
            if (visible(f.getModifiers()) && !f.isSynthetic()) {
                note(c.getName() + "." + f.getName(), List.of(f.getGenericType()), leaks);
            }
        }
        List<Executable> members = new ArrayList<>(Arrays.asList(c.getDeclaredConstructors()));
        members.addAll(Arrays.asList(c.getDeclaredMethods()));
        for (Executable m : members) {
            if (!visible(m.getModifiers()) || m.isSynthetic()) {
                continue;
            }
            String name = c.getName() + (m instanceof Constructor<?> ? ".<init>" : "." + m.getName());
            checked.add(name);
            List<Type> types = new ArrayList<>(Arrays.asList(m.getGenericParameterTypes()));
            types.addAll(Arrays.asList(m.getGenericExceptionTypes()));
            if (m instanceof Method method) {
                types.add(method.getGenericReturnType());
            }
            note(name, types, leaks);
        }
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void note(String member, List<Type> types, List<String> leaks) {
        for (Type t : types) {
            // a generic type's name spells its arguments' and bounds' names too
            String name = t.getTypeName();
            if (name.contains(PREFIX) && Stream.of(name.split("[^\\w.$]+"))
                    .anyMatch(n -> n.startsWith(PREFIX) && n.contains(".internal."))) {
                leaks.add(member + ": " + name);
            }
        }
    }

    /** The classes of the folder or jar an anchor class was loaded from. */
    private static List<Class<?>> classesBeside(Class<?> anchor) throws Exception {
        Path where = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(where)) {
            return classesUnder(where, anchor);
        }
        try (FileSystem jar = FileSystems.newFileSystem(URI.create("jar:" + where.toUri()), Map.of())) {
            return classesUnder(jar.getPath("/"), anchor);
        }
    }

    private static List<Class<?>> classesUnder(Path root, Class<?> anchor) throws Exception {
        List<String> names;
        try (Stream<Path> s = Files.walk(root)) {
            names = s.map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(n -> n.endsWith(".class") && !n.endsWith("module-info.class")
                            && !n.endsWith("package-info.class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.')).sorted().toList();
        }
        List<Class<?>> out = new ArrayList<>();
        for (String n : names) {
            out.add(Class.forName(n, false, anchor.getClassLoader()));
        }
        return out;
    }
}
