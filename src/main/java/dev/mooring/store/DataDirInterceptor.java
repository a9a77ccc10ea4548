package dev.mooring.store;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

import java.nio.file.Path;

/**
 * Makes the embedded database's path absolute, so that {@code mooring.data-dir=data} works as
 * users expect: H2 refuses a database path that is implicitly relative to the working directory.
 */
@Priority(Priorities.APPLICATION + 100)
public class DataDirInterceptor implements ConfigSourceInterceptor {
    static final String H2_URL = "quarkus.datasource.h2.jdbc.url";
    static final String FILE_PREFIX = "jdbc:h2:file:";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (value == null || !H2_URL.equals(name) || value.getValue() == null || !value.getValue().startsWith(FILE_PREFIX)) {
            return value;
        }
        String rest = value.getValue().substring(FILE_PREFIX.length());
        int semi = rest.indexOf(';');
        String path = semi < 0 ? rest : rest.substring(0, semi);
        String options = semi < 0 ? "" : rest.substring(semi);
        if (path.startsWith("/") || path.startsWith("~")) {
            return value;
        }
        return value.withValue(FILE_PREFIX + Path.of(path).toAbsolutePath().normalize() + options);
    }
}
