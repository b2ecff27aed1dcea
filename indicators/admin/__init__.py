from indicators.admin import framework, plans, results, security, units  # noqa: F401 - registers models
