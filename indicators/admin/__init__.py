from indicators.admin import framework, plans, results, units  # noqa: F401 - registers models
