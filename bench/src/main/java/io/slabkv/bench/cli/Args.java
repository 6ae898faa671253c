package io.slabkv.bench.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A GNU-style command line, parsed by hand: {@code --name value}, {@code --name=value}, flags
 * ({@code --name}), {@code -h}/{@code --help}, and {@code --} ending the options. Everything else
 * is a positional argument. An option given twice keeps its last value.
 */
final class Args {

    private final Map<String, String> values;
    private final Set<String> flags;
    private final List<String> positionals;
    private final boolean help;

    private Args(Map<String, String> values, Set<String> flags, List<String> positionals, boolean help) {
        this.values = values;
        this.flags = flags;
        this.positionals = positionals;
        this.help = help;
    }

    /**
     * Parses {@code args}.
     *
     * @param valued option names (without the dashes) that take a value
     * @param flagNames option names that take none
     * @throws UsageException for an unknown option, a missing value, or a value given to a flag
     */
    static Args parse(String[] args, Set<String> valued, Set<String> flagNames) throws UsageException {
        Map<String, String> values = new HashMap<>();
        Set<String> flags = new HashSet<>();
        List<String> positionals = new ArrayList<>();
        boolean help = false;
        boolean optionsEnded = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (optionsEnded || a.equals("-") || !a.startsWith("-")) {
                positionals.add(a);
                continue;
            }
            if (a.equals("--")) {
                optionsEnded = true;
                continue;
            }
            if (a.equals("-h") || a.equals("--help")) {
                help = true;
                continue;
            }
            if (!a.startsWith("--") || a.length() == 2) {
                throw new UsageException("unknown option '" + a + "'");
            }
            int eq = a.indexOf('=');
            String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
            if (valued.contains(name)) {
                String value;
                if (eq >= 0) {
                    value = a.substring(eq + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new UsageException("option --" + name + " needs a value");
                }
                values.put(name, value);
            } else if (flagNames.contains(name)) {
                if (eq >= 0) {
                    throw new UsageException("option --" + name + " takes no value (got '" + a + "')");
                }
                flags.add(name);
            } else {
                throw new UsageException("unknown option '--" + name + "'");
            }
        }
        return new Args(values, flags, Collections.unmodifiableList(positionals), help);
    }

    boolean help() {
        return help;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /** The value of {@code --name}, or {@code fallback} when it was not given. */
    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    List<String> positionals() {
        return positionals;
    }
}
