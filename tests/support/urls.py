"""The URLconf, walked: every named URL, for tests that must cover each one."""

from django.urls import URLPattern, URLResolver, get_resolver


def all_url_names() -> dict[str, str]:
    """Every named URL of the URLconf (namespaced name -> route)."""
    names = {}

    def walk(patterns, prefix, namespaces):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                spaces = namespaces + ([pattern.namespace] if pattern.namespace else [])
                walk(pattern.url_patterns, prefix + str(pattern.pattern), spaces)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names[":".join([*namespaces, pattern.name])] = prefix + str(pattern.pattern)

    walk(get_resolver().url_patterns, "", [])
    return names
