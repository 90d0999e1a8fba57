package dev.backstep.db.migrate;

import dev.backstep.BackstepException;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/** Finds SQL scripts in Flyway-style locations and splits them into statements. */
final class SqlScripts {
    private SqlScripts() {
    }

    /** Every {@code *.sql} file under the locations ({@code classpath:}, {@code filesystem:}, or bare = classpath): name → text. */
    static Map<String, String> scan(List<String> locations, ClassLoader loader) {
        Map<String, String> scripts = new LinkedHashMap<>();
        for (String location : locations) {
            try {
                if (location.startsWith("filesystem:")) {
                    scanDir(Path.of(location.substring("filesystem:".length())), scripts);
                } else {
                    String path = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
                    path = path.replaceAll("^/+", "").replaceAll("/+$", "");
                    Enumeration<URL> urls = loader.getResources(path);
                    while (urls.hasMoreElements()) {
                        URL url = urls.nextElement();
                        if ("file".equals(url.getProtocol())) {
                            scanDir(Path.of(url.toURI()), scripts);
                        } else if ("jar".equals(url.getProtocol())) {
                            scanJar(url, path, scripts);
                        }
                    }
                }
            } catch (IOException | URISyntaxException e) {
                throw new BackstepException("cannot read migration location " + location + ": " + e, e);
            }
        }
        return scripts;
    }

    private static void scanDir(Path dir, Map<String, String> scripts) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                String name = f.getFileName().toString();
                if (Files.isRegularFile(f) && name.endsWith(".sql")) {
                    scripts.putIfAbsent(name, Files.readString(f, StandardCharsets.UTF_8));
                }
            }
        }
    }

    private static void scanJar(URL url, String path, Map<String, String> scripts) throws IOException {
        JarURLConnection conn = (JarURLConnection) url.openConnection();
        conn.setUseCaches(false);
        try (JarFile jar = conn.getJarFile()) {
            for (Enumeration<JarEntry> en = jar.entries(); en.hasMoreElements(); ) {
                JarEntry e = en.nextElement();
                if (!e.isDirectory() && e.getName().startsWith(path + "/") && e.getName().endsWith(".sql")) {
                    String name = e.getName().substring(e.getName().lastIndexOf('/') + 1);
                    try (InputStream in = jar.getInputStream(e)) {
                        scripts.putIfAbsent(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }

    /**
     * Splits a script at semicolons outside quotes ({@code '…'}, {@code "…"}, {@code `…`}),
     * comments ({@code --}, {@code /* … *}{@code /}) and PostgreSQL
     * dollar quotes ({@code $tag$…$tag$}). Empty statements are dropped. MySQL {@code DELIMITER}
     * directives and backslash escapes in quotes are not supported: double a quote to
     * escape it.
     */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int n = script.length();
        int i = 0;
        while (i < n) {
            char c = script.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int end = i + 1;
                while (end < n) {
                    char d = script.charAt(end);
                    if (d == c) {
                        if (end + 1 < n && script.charAt(end + 1) == c) {
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                end = Math.min(end + 1, n);
                cur.append(script, i, end);
                i = end;
            } else if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                int end = script.indexOf('\n', i);
                end = end < 0 ? n : end;
                i = end;
            } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                cur.append(' ');
            } else if (c == '$' && dollarTag(script, i) != null) {
                String tag = dollarTag(script, i);
                int end = script.indexOf(tag, i + tag.length());
                end = end < 0 ? n : end + tag.length();
                cur.append(script, i, end);
                i = end;
            } else if (c == ';') {
                add(out, cur);
                i++;
            } else {
                cur.append(c);
                i++;
            }
        }
        add(out, cur);
        return out;
    }

    private static String dollarTag(String s, int i) {
        int j = i + 1;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
            j++;
        }
        if (j < s.length() && s.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(s.charAt(i + 1)))) {
            return s.substring(i, j + 1);
        }
        return null;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String s = cur.toString().trim();
        if (!s.isEmpty()) {
            out.add(s);
        }
        cur.setLength(0);
    }
}
