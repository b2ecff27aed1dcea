"""Reading query-string parameters leniently: a bad value means the default, not an error page."""


def int_param(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
